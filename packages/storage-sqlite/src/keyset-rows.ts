import { encodeCursor, type Page, type SortOrder } from '@sightline/storage';
import { blobToHex } from './ids.js';

/** A row of a keyset-paged query: its id (the tiebreaker) and the value it is ordered by. */
export interface KeysetRow {
  readonly id: bigint;
  readonly sort_value?: bigint | number | Buffer;
}

/**
 * The page of rows fetched with `LIMIT limit + 1`: the first `limit` as items, and when there
 * were more, the cursor after the last one.
 */
export function keysetPage<R extends KeysetRow, T>(rows: readonly R[], limit: number, order: SortOrder, toItem: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    items: page.map(toItem),
    nextCursor:
      more && last
        ? encodeCursor(order, {
            value: Buffer.isBuffer(last.sort_value) ? blobToHex(last.sort_value) : String(last.sort_value),
            key: String(last.id),
          })
        : null,
  };
}
