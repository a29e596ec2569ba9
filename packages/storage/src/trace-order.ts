import { decodeCursor, encodeCursor } from './cursor.js';
import type { TraceOrder, TraceOrderField } from './query.js';
import type { Page, TraceSummary } from './results.js';

/** A summary's value for a sort field. */
export function sortValue(summary: TraceSummary, field: TraceOrderField): bigint | number | string {
  switch (field) {
    case 'start_time':
      return summary.startTimeUnixNano;
    case 'end_time':
      return summary.endTimeUnixNano;
    case 'duration':
      return summary.endTimeUnixNano - summary.startTimeUnixNano;
    case 'span_count':
      return summary.spanCount;
    case 'error_count':
      return summary.errorCount;
    case 'trace_id':
      return summary.traceId;
  }
}

/** Parses a cursor's sort value back into the field's type. */
export function parseSortValue(field: TraceOrderField, text: string): bigint | number | string {
  if (field === 'trace_id') return text;
  if (field === 'span_count' || field === 'error_count') return Number(text);
  return BigInt(text);
}

function cmp(a: bigint | number | string, b: bigint | number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders, pages and cursors a full list of matching summaries — the reference paging that
 * backends without an index of their own (the memory backend) use. `keyOf` gives each trace a
 * stable tiebreaker key.
 */
export function pageSummaries<T extends TraceSummary>(
  matches: T[],
  order: TraceOrder,
  keyOf: (t: T) => number,
  limit: number,
  cursor?: string,
  offset?: number,
): Page<T> {
  const sign = order.direction === 'asc' ? 1 : -1;
  const keyed = matches.map((t) => ({ t, v: sortValue(t, order.field), k: keyOf(t) }));
  keyed.sort((a, b) => sign * (cmp(a.v, b.v) || a.k - b.k));
  let start = 0;
  if (cursor !== undefined) {
    const position = decodeCursor(cursor, order);
    const v = parseSortValue(order.field, position.value);
    const k = Number(position.key);
    start = keyed.findIndex((x) => sign * (cmp(x.v, v) || x.k - k) > 0);
    if (start < 0) start = keyed.length;
  }
  if (offset !== undefined) start += offset;
  const page = keyed.slice(start, start + limit);
  const last = page[page.length - 1];
  const more = start + limit < keyed.length;
  return {
    items: page.map((x) => x.t),
    nextCursor: more && last ? encodeCursor(order, { value: String(last.v), key: String(last.k) }) : null,
  };
}
