import type { SortOrder } from '@sightline/storage';
import { type KeysetRow, keysetPage } from './keyset-rows.js';

/** Rows read first; each chunk that leaves the page short is followed by one four times as big. */
const FIRST_CHUNK = 256;

/**
 * Pages a list by a search that most rows match, in an order no index gives (the `sorted` way
 * of `SearchWay`): the list is read without the search, sorted, a chunk at a time from
 * `cursor`, and its rows kept while `matches` says so, until `limit + 1` are kept or the list
 * ends — the rows a list query with the search and `LIMIT limit + 1` gives. `read(cursor, n)`
 * reads `n + 1` rows of the list without the search.
 */
export function walkSorted<R extends KeysetRow>(
  read: (cursor: string | undefined, limit: number) => R[],
  matches: (row: R) => boolean,
  order: SortOrder,
  cursor: string | undefined,
  limit: number,
): R[] {
  const kept: R[] = [];
  let chunk = Math.max(FIRST_CHUNK, 4 * (limit + 1));
  let from = cursor;
  for (;;) {
    const page = keysetPage(read(from, chunk), chunk, order, (row) => row);
    for (const row of page.items) {
      if (!matches(row)) continue;
      kept.push(row);
      if (kept.length > limit) return kept;
    }
    if (page.nextCursor === null) return kept;
    from = page.nextCursor;
    chunk *= 4;
  }
}
