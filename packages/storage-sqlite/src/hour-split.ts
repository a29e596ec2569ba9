import { BUCKET_NS } from '@sightline/storage';

const HOUR_NS = BUCKET_NS.hour;

/**
 * A time range as the hourly rollups can answer it: the whole hours `[first, last)` (hour
 * numbers; null for an open end) read from rollups, and the partial hours at its edges, read
 * from the calls. Null when the range holds no whole hour: all of it is read from the calls.
 */
export interface HourSplit {
  readonly first: bigint | null;
  readonly last: bigint | null;
  /** The parts of the range outside the whole hours, as `{ from }` / `{ to }` bounds to narrow the query with. */
  readonly edges: readonly { readonly from?: bigint; readonly to?: bigint }[];
}

export function splitAtHours(from: bigint | undefined, to: bigint | undefined): HourSplit | null {
  const first = from === undefined ? null : (from + HOUR_NS - 1n) / HOUR_NS;
  const last = to === undefined ? null : to / HOUR_NS;
  if (first !== null && last !== null && first >= last) return null;
  const edges: { from?: bigint; to?: bigint }[] = [];
  if (first !== null && from !== undefined && first * HOUR_NS > from) edges.push({ to: first * HOUR_NS });
  if (last !== null && to !== undefined && last * HOUR_NS < to) edges.push({ from: last * HOUR_NS });
  return { first, last, edges };
}
