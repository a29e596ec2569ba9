import type { Facets, FacetValue } from './facets.js';

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

/** Counts spans and calls by the values facets show; every backend fills one and ranks it the same way. */
export class FacetCounter {
  private readonly counts = {
    services: new Map<string, number>(),
    spanNames: new Map<string, number>(),
    models: new Map<string, number>(),
    providers: new Map<string, number>(),
    operations: new Map<string, number>(),
    routes: new Map<string, number>(),
  };

  /** `n` spans of `service` named `name`. */
  spans(service: string, name: string, n = 1): void {
    bump(this.counts.services, service, n);
    bump(this.counts.spanNames, name, n);
  }

  /** `n` counted calls with these dimensions. */
  calls(model: string | null, provider: string | null, operation: string | null, route: string | null, n = 1): void {
    bump(this.counts.models, model, n);
    bump(this.counts.providers, provider, n);
    bump(this.counts.operations, operation, n);
    bump(this.counts.routes, route, n);
  }

  /** The facets, at most `limit` values each, with the distinct users and sessions counted elsewhere. */
  facets(limit: number, users: number, sessions: number): Facets {
    const c = this.counts;
    return {
      services: rankFacet(c.services, limit),
      spanNames: rankFacet(c.spanNames, limit),
      models: rankFacet(c.models, limit),
      providers: rankFacet(c.providers, limit),
      operations: rankFacet(c.operations, limit),
      routes: rankFacet(c.routes, limit),
      users,
      sessions,
    };
  }
}

function bump(counts: Map<string, number>, value: string | null, n: number): void {
  if (value !== null) counts.set(value, (counts.get(value) ?? 0) + n);
}
