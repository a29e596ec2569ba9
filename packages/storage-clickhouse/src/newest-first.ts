import { decodeCursor, parseBigIntValue, type SortOrder } from '@sightline/storage';
import type { ClickHouseDb } from './clickhouse-db.js';
import { SqlParams } from './query-params.js';

/** The first window searched: the newest hour. */
const FIRST_WINDOW = 3_600_000_000_000n;

/** The times a newest-first list may show: its own range, and no later than its cursor's time. */
export interface ListRange {
  readonly from?: bigint;
  readonly to?: bigint;
  /** The sort value of the cursor's last item: items at or before it. */
  readonly upTo?: bigint;
}

/**
 * The times a newest-first list (`order`, with keys `isKey` accepts) may show: its own range, and
 * after a cursor, no later than the cursor's time.
 */
export function listRange(
  from: bigint | undefined,
  to: bigint | undefined,
  cursor: string | undefined,
  order: SortOrder,
  isKey: (key: string) => boolean,
): ListRange {
  const after = cursor === undefined ? undefined : decodeCursor(cursor, order, isKey);
  return { from, to, upTo: after === undefined ? undefined : parseBigIntValue(after.value) };
}

/**
 * The newest and oldest time in `column` of `table` for the project's rows in `range`, or null
 * when it holds none. Read without FINAL: a row replaced since can only make the newest later
 * (a trace's start only moves earlier as spans arrive; a call's time never changes), which a
 * search from it takes in.
 */
async function timeBounds(
  db: ClickHouseDb,
  table: 'traces' | 'llm_calls',
  column: 'start_ns' | 'timestamp_ns',
  project: string,
  range: ListRange,
): Promise<{ newest: bigint; oldest: bigint } | null> {
  const p = new SqlParams();
  const where = [`project = ${p.add(project, 'String')}`];
  if (range.from !== undefined) where.push(`${column} >= ${p.add(range.from, 'Int64')}`);
  if (range.to !== undefined) where.push(`${column} < ${p.add(range.to, 'Int64')}`);
  if (range.upTo !== undefined) where.push(`${column} <= ${p.add(range.upTo, 'Int64')}`);
  const [row] = await db.rows<{ n: string; newest: string; oldest: string }>(
    `SELECT count() AS n, max(${column}) AS newest, min(${column}) AS oldest FROM ${table} WHERE ${where.join(' AND ')}`,
    p.values,
  );
  if (!row || Number(row.n) === 0) return null;
  return { newest: BigInt(row.newest), oldest: BigInt(row.oldest) };
}

/** Where a list's times are: the table and its time column. */
export interface ListTimes {
  readonly table: 'traces' | 'llm_calls';
  readonly column: 'start_ns' | 'timestamp_ns';
}

/**
 * A newest-first page of the project's list searched from the newest times back (see
 * `newestFirst`), over the times `range` allows.
 */
export async function searchNewestFirst<T>(
  db: ClickHouseDb,
  times: ListTimes,
  project: string,
  range: ListRange,
  limit: number,
  page: (from: bigint | undefined) => Promise<T[]>,
): Promise<T[]> {
  return newestFirst(await timeBounds(db, times.table, times.column, project, range), limit, range.from, page);
}

/**
 * A newest-first page searched from the newest times back: `page(from)` answers the query for
 * items at or after `from` only (one more than a page when more follow); it runs over the last
 * hour before `newest`, then four times as far back, and so on, until it fills a page or the
 * window passes `oldest`, when it runs once more over the query's own range (`from`). A page that
 * is full over a window is the page of the whole range: every item after the window's start
 * outranks every item before it. A window never reaches back past the query's own `from`.
 */
export async function newestFirst<T>(
  bounds: { newest: bigint; oldest: bigint } | null,
  limit: number,
  from: bigint | undefined,
  page: (from: bigint | undefined) => Promise<T[]>,
): Promise<T[]> {
  if (bounds === null) return page(from);
  for (let width = FIRST_WINDOW; ; width *= 4n) {
    const start = bounds.newest - width;
    if (start <= bounds.oldest || (from !== undefined && start <= from)) return page(from);
    const rows = await page(start);
    if (rows.length > limit) return rows;
  }
}
