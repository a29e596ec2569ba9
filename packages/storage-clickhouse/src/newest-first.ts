/** The first window searched: the newest hour. */
const FIRST_WINDOW = 3_600_000_000_000n;

/**
 * A newest-first page searched from the newest times back: `page(from)` answers the query for
 * items at or after `from` only (one more than a page when more follow); it runs over the last
 * hour before `newest`, then four times as far back, and so on, until it fills a page or `from`
 * passes `oldest`, when it runs once more without a bound. A page that is full over a window is
 * the page of the whole range: every item after `from` outranks every item before it.
 */
export async function newestFirst<T>(
  bounds: { newest: bigint; oldest: bigint } | null,
  limit: number,
  page: (from: bigint | undefined) => Promise<T[]>,
): Promise<T[]> {
  if (bounds === null) return page(undefined);
  for (let width = FIRST_WINDOW; ; width *= 4n) {
    const from = bounds.newest - width;
    if (from <= bounds.oldest) return page(undefined);
    const rows = await page(from);
    if (rows.length > limit) return rows;
  }
}
