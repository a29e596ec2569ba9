import { type SortOrder, unknownSortValue } from '@sightline/storage';
import type Database from 'better-sqlite3';
import type { KeysetRow } from './keyset-rows.js';
import { BOUND_TABLES, type BoundTable } from './sort-bounds.js';

/** Blocks read by the first query of a walk; each next query reads four times as many. */
const FIRST_BLOCKS = 8;

/** A block of rows and the best sort value any of them can have: its high bound in a descending list, its low one in an ascending list. */
export interface BlockBound {
  readonly block: number;
  readonly bound: number;
}

/**
 * The first `limit + 1` rows of a list in an order no index gives, read a few blocks at a time
 * (see schema/014-sort-bounds.ts) instead of sorting every row: blocks are taken best bound
 * first, and the walk stops at the first block whose bound shows that none of its rows can
 * come before the `limit + 1` rows already found. Ties go by row id (as the list's own
 * order), so a block whose bound equals the last kept value is still read if its ids can
 * come first.
 *
 * `read(blocks)` gives the first `limit + 1` rows, in the list's order, of those blocks (with
 * every condition of the list, its cursor included). Block b holds the ids
 * [b·`idsPerBlock`, (b + 1)·`idsPerBlock`).
 */
export function walkBlocks<R extends KeysetRow>(
  bounds: readonly BlockBound[],
  direction: SortOrder['direction'],
  idsPerBlock: number,
  limit: number,
  read: (blocks: readonly number[]) => R[],
): R[] {
  const sign = direction === 'desc' ? -1 : 1;
  const order = (a: R, b: R) => sign * (compare(a.sort_value ?? 0, b.sort_value ?? 0) || compare(a.id, b.id));
  const blocks = [...bounds].sort((a, b) => sign * (a.bound - b.bound || a.block - b.block));
  const span = BigInt(idsPerBlock);
  /** Whether a row of the block could come before `last`. */
  const mayPrecede = (b: BlockBound, last: R): boolean => {
    const value = last.sort_value ?? 0;
    const side = compare(b.bound, value);
    if (side !== 0) return sign * side < 0;
    // Equal bounds: only ids before the last kept one's.
    return direction === 'desc' ? (BigInt(b.block) + 1n) * span - 1n > last.id : BigInt(b.block) * span < last.id;
  };
  let kept: R[] = [];
  let next = 0;
  for (let size = FIRST_BLOCKS; next < blocks.length; size *= 4) {
    const last = kept.length > limit ? kept[limit] : undefined;
    // Blocks are in bound order: once one cannot hold a row before the last kept, none after it can.
    let end = next;
    while (end < blocks.length && end - next < size && (last === undefined || mayPrecede(blocks[end] as BlockBound, last))) end++;
    if (end === next) break;
    const group = blocks.slice(next, end).map((b) => b.block);
    next = end;
    kept = [...kept, ...read(group)].sort(order).slice(0, limit + 1);
  }
  return kept;
}

function compare(a: number | bigint | Buffer, b: number | bigint | Buffer): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The first `limit + 1` rows of a list of a project's calls (`call_bounds`) or traces
 * (`trace_bounds`) in `order`, by {@link walkBlocks} over the blocks whose rows may lie in the
 * time range (ns, `to` exclusive). `read(blocks)` runs the list, with all its conditions,
 * over the rows of those blocks (a JSON array, see {@link blocksFromSql}).
 */
export function walkBounds<R extends KeysetRow>(
  db: Database.Database,
  table: BoundTable,
  order: { readonly field: string; readonly direction: SortOrder['direction'] },
  projectId: number,
  range: { readonly from?: bigint; readonly to?: bigint },
  limit: number,
  read: (blocks: string) => R[],
): R[] {
  const bounds = blockBounds(db, table, order.field, order.direction, projectId, range.from, range.to);
  return walkBlocks(bounds, order.direction, BOUND_TABLES[table].idsPerBlock, limit, (blocks) => read(JSON.stringify(blocks)));
}

/**
 * The blocks of a project whose rows may lie in a time range (ns, `to` exclusive), each with
 * its bound for `field` in `direction`, from a bounds table (`call_bounds`, `trace_bounds`).
 */
function blockBounds(
  db: Database.Database,
  table: BoundTable,
  field: string,
  direction: SortOrder['direction'],
  projectId: number,
  from: bigint | undefined,
  to: bigint | undefined,
): BlockBound[] {
  const where = ['project_id = ?'];
  const params: number[] = [projectId];
  // Times are whole milliseconds, already one wider on each side than the rows'.
  if (from !== undefined) {
    where.push('time_hi >= ?');
    params.push(Math.floor(Number(from) / 1e6));
  }
  if (to !== undefined) {
    where.push('time_lo <= ?');
    params.push(Math.ceil(Number(to) / 1e6));
  }
  // A row without the value sorts as `unknown`, and the bounds count known values only: a block
  // may hold such rows, so its bound is never worse than `unknown` (known values can lie beyond it).
  const unknown = unknownSortValue(direction);
  const bound =
    direction === 'desc' ? `max(ifnull(${field}_hi, ${unknown}), ${unknown})` : `min(ifnull(${field}_lo, ${unknown}), ${unknown})`;
  const rows = db
    .prepare(`SELECT block, ${bound} FROM ${table} WHERE ${where.join(' AND ')}`)
    .raw()
    .all(...params) as [number, number][];
  return rows.map(([block, bound]) => ({ block, bound }));
}

/**
 * SQL: the rows `table` bounds (as `alias`) in the blocks of a JSON array bound as the
 * statement's first parameter, each block a range of the rows' own key. No other index is used
 * on them, so the ranges are what is read whatever the list's other conditions.
 */
export function blocksFromSql(table: BoundTable, alias: string): string {
  const { rows, idsPerBlock } = BOUND_TABLES[table];
  return `json_each(?) b CROSS JOIN ${rows} ${alias} NOT INDEXED ON ${alias}.id BETWEEN b.value * ${idsPerBlock} AND b.value * ${idsPerBlock} + ${idsPerBlock - 1}`;
}
