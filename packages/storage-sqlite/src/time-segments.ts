const HOUR_NS = 3_600_000_000_000n;

/** A span of hours since the epoch, `[from, to)`; null bounds are open. */
export interface HourSpan {
  readonly from: number | null;
  readonly to: number | null;
}

/**
 * A time range cut along the rollups' grains: the whole UTC days it holds that have day rows,
 * the whole hours left (at its edges, and on days not folded into day rows yet), and the
 * partial hours beyond those (in ns), which only the calls themselves can answer.
 */
export interface TimeSegments {
  /** Whole days (bounds are multiples of 24), or null when none is read from day rows. */
  readonly days: HourSpan | null;
  readonly hours: readonly HourSpan[];
  readonly partial: readonly { readonly from: bigint; readonly to: bigint }[];
}

/**
 * Cuts `[from, to)` (ns; undefined: open) into days, hours and partial hours. Day rows exist
 * for the days before the hour `foldedUntil` (none when null); later days are read as hours.
 */
export function timeSegments(from: bigint | undefined, to: bigint | undefined, foldedUntil: number | null): TimeSegments {
  const fromH = from === undefined ? null : Number((from + HOUR_NS - 1n) / HOUR_NS);
  const toH = to === undefined ? null : Number(to / HOUR_NS);
  if (from !== undefined && to !== undefined && fromH !== null && toH !== null && fromH >= toH)
    return { days: null, hours: [], partial: from < to ? [{ from, to }] : [] };
  const partial: { from: bigint; to: bigint }[] = [];
  if (from !== undefined && fromH !== null && BigInt(fromH) * HOUR_NS > from) partial.push({ from, to: BigInt(fromH) * HOUR_NS });
  if (to !== undefined && toH !== null && BigInt(toH) * HOUR_NS < to) partial.push({ from: BigInt(toH) * HOUR_NS, to });
  // Whole days: from the first day boundary at or after fromH to the last at or before toH.
  const fromD = fromH === null ? null : Math.ceil(fromH / 24) * 24;
  const toD = toH === null ? null : Math.floor(toH / 24) * 24;
  const hours: HourSpan[] = [];
  const addHours = (a: number | null, b: number | null) => {
    if (a === null || b === null || a < b) hours.push({ from: a, to: b });
  };
  if (fromD !== null && toD !== null && fromD >= toD) {
    addHours(fromH, toH);
    return { days: null, hours, partial };
  }
  let days: HourSpan | null = null;
  if (foldedUntil === null) {
    addHours(fromH, toH);
  } else {
    if (fromH !== null && fromD !== null && fromH < fromD) addHours(fromH, fromD);
    const daysTo = toD === null ? foldedUntil : Math.min(toD, foldedUntil);
    if (fromD === null || fromD < daysTo) days = { from: fromD, to: daysTo };
    // Days not folded yet are read as hours.
    const lateFrom = fromD === null ? foldedUntil : Math.max(fromD, foldedUntil);
    if (toH === null) addHours(lateFrom, null);
    else {
      addHours(lateFrom, toD);
      if (toD !== null && toD < toH) addHours(toD, toH);
    }
  }
  return { days, hours, partial };
}

/**
 * SQL conditions selecting the `llm_key_rollups` rows of the days and hours of `s` (columns
 * `grain` and `bucket`), one per span: each is an index range, queried on its own (SQLite
 * reads an OR of them more slowly than the ranges one by one).
 */
export function segmentRowsSql(s: TimeSegments): { sql: string; params: number[] }[] {
  const span = (grain: number, h: HourSpan) => {
    const conds = [`grain = ${grain}`];
    const params: number[] = [];
    if (h.from !== null) {
      conds.push('bucket >= ?');
      params.push(h.from);
    }
    if (h.to !== null) {
      conds.push('bucket < ?');
      params.push(h.to);
    }
    return { sql: conds.join(' AND '), params };
  };
  return [...(s.days ? [span(24, s.days)] : []), ...s.hours.map((h) => span(1, h))];
}
