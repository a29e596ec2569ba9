import { type LlmCall, type Span, serviceNameOf } from '@sightline/core';
import { facetHours, rankFacet } from '../facet-values.js';
import { DEFAULT_FACET_VALUES, type Facets, type FacetsQuery } from '../facets.js';

/** The facets of a range, read from every span and counted call held: the reference the rollup-based backends are held to. */
export function facetsOf(spans: Iterable<Span>, calls: Iterable<LlmCall>, q: FacetsQuery): Facets {
  const { from, to } = facetHours(q.from, q.to);
  const inRange = (t: bigint) => (from === null || t >= from) && (to === null || t < to);
  const services = new Map<string, number>();
  const names = new Map<string, number>();
  for (const span of spans) {
    if (!inRange(span.startTimeUnixNano)) continue;
    bump(services, serviceNameOf(span.resource));
    bump(names, span.name);
  }
  const models = new Map<string, number>();
  const providers = new Map<string, number>();
  const operations = new Map<string, number>();
  const routes = new Map<string, number>();
  const users = new Set<string>();
  const sessions = new Set<string>();
  for (const call of calls) {
    if (!call.counted || !inRange(call.timestamp)) continue;
    bump(models, call.model ?? call.requestModel);
    bump(providers, call.provider);
    bump(operations, call.operation);
    bump(routes, call.routeName);
    if (call.userId !== null) users.add(call.userId);
    if (call.sessionId !== null) sessions.add(call.sessionId);
  }
  const limit = q.limit ?? DEFAULT_FACET_VALUES;
  return {
    services: rankFacet(services, limit),
    spanNames: rankFacet(names, limit),
    models: rankFacet(models, limit),
    providers: rankFacet(providers, limit),
    operations: rankFacet(operations, limit),
    routes: rankFacet(routes, limit),
    users: users.size,
    sessions: sessions.size,
  };
}

function bump(counts: Map<string, number>, value: string | null): void {
  if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
}
