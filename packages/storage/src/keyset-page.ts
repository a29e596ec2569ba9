import { decodeCursor, encodeCursor, isInt64Text, type SortOrder } from './cursor.js';
import { InvalidCursorError } from './errors.js';
import type { Page } from './results.js';

export type SortValue = bigint | number | string;

/**
 * What a value a row lacks (a call not priced, a TTFT not streamed, a trace without calls)
 * sorts as: after every known value, whichever the direction — -1 going down, 1e308 going up —
 * so a list sorted by cost, cheapest first, starts with costs and not with the rows that have none.
 * The SQL stores use the same numbers (`COALESCE(x, …)`), so cursors mean the same everywhere.
 */
export function unknownSortValue(direction: 'asc' | 'desc'): number {
  return direction === 'asc' ? 1e308 : -1;
}

/** A sort expression of SQL written with `:unknown` where a missing value goes, for one direction. */
export function sortSql(template: string, direction: 'asc' | 'desc'): string {
  return template.replaceAll(':unknown', String(unknownSortValue(direction)));
}

function cmp(a: SortValue, b: SortValue): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders, pages and cursors a full list of matching items — the reference paging that
 * backends without an index of their own (the memory backend) use. `valueOf` gives an item’s
 * sort value for the order (`sortValueOf`), `parse` reads one back from a cursor, and `keyOf` gives each item
 * a stable integer tiebreaker.
 */
export function pageByKeyset<T>(
  items: readonly T[],
  order: SortOrder,
  sortValueOf: (item: T) => SortValue,
  parse: (text: string) => SortValue,
  keyOf: (item: T) => number,
  limit: number,
  cursor?: string,
  offset?: number,
): Page<T> {
  const sign = order.direction === 'asc' ? 1 : -1;
  const keyed = items.map((t) => ({ t, v: sortValueOf(t), k: keyOf(t) }));
  keyed.sort((a, b) => sign * (cmp(a.v, b.v) || a.k - b.k));
  let start = 0;
  if (cursor !== undefined) {
    const position = decodeCursor(cursor, order);
    const v = parse(position.value);
    const k = Number(position.key);
    if (!Number.isFinite(k)) throw new InvalidCursorError();
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

/** Reads a cursor's integer sort value (times in ns, counts): a 64-bit integer, as the store holds them. */
export function parseBigIntValue(text: string): bigint {
  if (!isInt64Text(text)) throw new InvalidCursorError();
  return BigInt(text);
}

/** Reads a cursor's numeric sort value (durations, costs). */
export function parseNumberValue(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new InvalidCursorError();
  return n;
}
