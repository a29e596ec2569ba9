/**
 * Rollups for the Sessions and Dashboard pages, kept at ingest so their queries read
 * thousands of rows instead of every call or span.
 *
 * - `llm_key_rollups`: per project, session (`kind` 1) or user (`kind` 2) and UTC hour
 *   (`grain` 1) or day (`grain` 24, `bucket` its first hour), the sums and quantile sketches of
 *   the calls that count, like `llm_rollups`; `key` is the call's own session or user id, ''
 *   for none. A query reads days for whole days, hours for the hours at its edges, and the
 *   calls themselves only for partial hours. Each bucket has up to two rows: `part` 0 holds
 *   what was merged, `part` 1 what arrived since (sums added, sketch pairs appended), so a
 *   batch rewrites small rows only; the writer merges part 1 into part 0 once it grows (see
 *   key-rollup-writer.ts). Readers add both up.
 * - `llm_key_folds`: day rows are built once a day is over; a project's days before hour
 *   `folded_until` have them, later days are read from their hour rows.
 * - `span_name_rollups`: spans per project, UTC hour, service and span name, for the filter
 *   pickers (the spans table has no index by time or name).
 *
 * Both are filled from the calls and spans already stored (`sl_sketch` is registered by
 * `migrate`, see sketch-sql.ts).
 */
export const dashboardRollupsSchema = `
CREATE TABLE llm_key_rollups (
  id                 INTEGER PRIMARY KEY,
  project_id         INTEGER NOT NULL,
  kind               INTEGER NOT NULL,
  grain              INTEGER NOT NULL,
  bucket             INTEGER NOT NULL,
  key                TEXT NOT NULL,
  part               INTEGER NOT NULL,
  calls              INTEGER NOT NULL,
  errors             INTEGER NOT NULL,
  input_tokens       INTEGER NOT NULL,
  output_tokens      INTEGER NOT NULL,
  cache_read_tokens  INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  reasoning_tokens   INTEGER NOT NULL,
  total_tokens       INTEGER NOT NULL,
  cost_usd           REAL NOT NULL,
  priced_calls       INTEGER NOT NULL,
  latency            BLOB NOT NULL,
  ttft               BLOB NOT NULL,
  tokens_per_s       BLOB NOT NULL
);
CREATE UNIQUE INDEX llm_key_rollups_by_key ON llm_key_rollups (project_id, kind, grain, bucket, key, part);

INSERT INTO llm_key_rollups (project_id, kind, grain, bucket, key, part, calls, errors, input_tokens, output_tokens, cache_read_tokens,
  cache_write_tokens, reasoning_tokens, total_tokens, cost_usd, priced_calls, latency, ttft, tokens_per_s)
SELECT project_id, kind, grain, hour - hour % grain, key, 0, count(*), sum(is_error), coalesce(sum(input_tokens), 0),
  coalesce(sum(output_tokens), 0), coalesce(sum(cache_read_tokens), 0), coalesce(sum(cache_write_tokens), 0),
  coalesce(sum(reasoning_tokens), 0), coalesce(sum(total_tokens), 0), total(cost_usd), count(cost_usd),
  sl_sketch(duration_ms), sl_sketch(ttft_ms), sl_sketch(tokens_per_s)
FROM (
  SELECT c.*, k.kind, g.grain, c.ts / 3600000000000 AS hour, coalesce(CASE k.kind WHEN 1 THEN c.session_id ELSE c.user_id END, '') AS key
  FROM llm_calls c, (SELECT 1 AS kind UNION ALL SELECT 2) k, (SELECT 1 AS grain UNION ALL SELECT 24) g
  WHERE c.counted = 1
)
GROUP BY project_id, kind, grain, hour - hour % grain, key;

CREATE TABLE llm_key_folds (
  project_id   INTEGER PRIMARY KEY,
  folded_until INTEGER NOT NULL
);
INSERT INTO llm_key_folds (project_id, folded_until)
SELECT project_id, max(bucket) + 24 FROM llm_key_rollups WHERE grain = 24 GROUP BY project_id;

CREATE TABLE span_name_rollups (
  id         INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL,
  hour       INTEGER NOT NULL,
  service    TEXT NOT NULL,
  name       TEXT NOT NULL,
  spans      INTEGER NOT NULL
);
CREATE UNIQUE INDEX span_name_rollups_by_key ON span_name_rollups (project_id, hour, service, name);

INSERT INTO span_name_rollups (project_id, hour, service, name, spans)
SELECT t.project_id, s.start_ns / 3600000000000, r.service_name, s.name, count(*)
FROM spans s JOIN traces t ON t.id = s.trace_key JOIN resources r ON r.id = s.resource_id
GROUP BY 1, 2, 3, 4;
`;
