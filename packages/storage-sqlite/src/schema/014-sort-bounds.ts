/**
 * Sort bounds: for each block of 64 traces (trace keys that differ in their last 6 bits only)
 * and the calls they hold, the lowest and highest value of every column the trace and call
 * lists sort by, and the block's time span. A list in such an order reads the blocks that can
 * hold its first page, best bound first, instead of sorting every row of its range (see
 * `walkBlocks`): the costliest 50 calls of 1,000,000 read ~170 blocks rather than every call.
 *
 * - A bound only ever widens (writes take the lower of the low values and the higher of the
 *   high ones), so it stays true however rows change; rows deleted leave it wider than need be,
 *   never wrong, and a block that trace deletion leaves with no rows loses its bounds.
 * - Low and high values count known values only: NULL when the block has none. A row without
 *   the value sorts as `unknownSortValue` gives, so a list takes a block's bound as no worse
 *   than that (see `walkBounds`).
 * - Integers beyond 2⁵³ (durations in ns of over 104 days, token sums) are not exact as REAL:
 *   their high bound is taken as +∞ and their low one as 2⁵³, as the writer does.
 * - Times are whole milliseconds, widened by one on each side: only blocks wholly outside a
 *   list's range are skipped by them.
 *
 * Built from the stored rows when the schema is upgraded (about half a second per million calls).
 */
const EXACT = 2 ** 53;
/** An integer's low bound as REAL: exact within ±2⁵³, else clamped to 2⁵³ or −∞ (never above the value). */
const lo = (x: string) => `CASE WHEN ${x} >= ${EXACT} THEN ${EXACT} WHEN ${x} <= -${EXACT} THEN -1e999 ELSE ${x} END`;
/** An integer's high bound as REAL: exact within ±2⁵³, else +∞ or −2⁵³ (never below the value). */
const hi = (x: string) => `CASE WHEN ${x} >= ${EXACT} THEN 1e999 WHEN ${x} <= -${EXACT} THEN -${EXACT} ELSE ${x} END`;

export const sortBoundsSchema = `
CREATE TABLE IF NOT EXISTS call_bounds (
  project_id      INTEGER NOT NULL,
  block           INTEGER NOT NULL,
  time_lo         INTEGER NOT NULL,
  time_hi         INTEGER NOT NULL,
  duration_lo     REAL,
  duration_hi     REAL,
  ttft_lo         REAL,
  ttft_hi         REAL,
  cost_lo         REAL,
  cost_hi         REAL,
  total_tokens_lo REAL,
  total_tokens_hi REAL,
  tokens_per_s_lo REAL,
  tokens_per_s_hi REAL,
  PRIMARY KEY (project_id, block)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS trace_bounds (
  project_id        INTEGER NOT NULL,
  block             INTEGER NOT NULL,
  time_lo           INTEGER NOT NULL,
  time_hi           INTEGER NOT NULL,
  duration_lo       REAL,
  duration_hi       REAL,
  span_count_lo     REAL,
  span_count_hi     REAL,
  error_count_lo    REAL,
  error_count_hi    REAL,
  llm_call_count_lo REAL,
  llm_call_count_hi REAL,
  total_tokens_lo   REAL,
  total_tokens_hi   REAL,
  cost_lo           REAL,
  cost_hi           REAL,
  PRIMARY KEY (project_id, block)
) WITHOUT ROWID;

INSERT OR REPLACE INTO call_bounds
  SELECT project_id, id >> 26, min(ts) / 1000000 - 1, max(ts) / 1000000 + 1, min(duration_ms), max(duration_ms),
    min(ttft_ms), max(ttft_ms), min(cost_usd), max(cost_usd), ${lo('min(total_tokens)')}, ${hi('max(total_tokens)')},
    min(tokens_per_s), max(tokens_per_s)
  FROM llm_calls GROUP BY project_id, id >> 26;

INSERT OR REPLACE INTO trace_bounds
  SELECT project_id, id >> 6, min(start_ns) / 1000000 - 1, max(start_ns) / 1000000 + 1,
    ${lo('min(end_ns - start_ns)')}, ${hi('max(end_ns - start_ns)')},
    min(span_count), max(span_count), min(error_count), max(error_count), min(llm_call_count), max(llm_call_count),
    ${lo('min(total_tokens)')}, ${hi('max(total_tokens)')}, min(cost_usd), max(cost_usd)
  FROM traces GROUP BY project_id, id >> 6;
`;
