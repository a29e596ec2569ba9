import type { FacetValue } from './facets.js';

const HOUR_NS = 3_600_000_000_000n;

/**
 * The whole UTC hours a facets range touches: its start rounded down and its end up, in ns
 * (null where the range is open).
 */
export function facetHours(from: bigint | undefined, to: bigint | undefined): { from: bigint | null; to: bigint | null } {
  const floor = (t: bigint) => t - (((t % HOUR_NS) + HOUR_NS) % HOUR_NS);
  return {
    from: from === undefined ? null : floor(from),
    to: to === undefined ? null : floor(to) === to ? to : floor(to) + HOUR_NS,
  };
}

/** Counted values as a facet: the most frequent first, ties by value (code unit order), at most `limit`; empty values left out. */
export function rankFacet(counts: Iterable<readonly [string, number]>, limit: number): FacetValue[] {
  return [...counts]
    .filter(([value, count]) => value !== '' && count > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([value, count]) => ({ value, count }));
}
