import { type LlmCall, type Span, serviceNameOf } from '@sightline/core';
import { FacetCounter, facetHours } from '../facet-values.js';
import { DEFAULT_FACET_VALUES, type Facets, type FacetsQuery } from '../facets.js';

/** The facets of a range, read from every span and counted call held: the reference the rollup-based backends are held to. */
export function facetsOf(spans: Iterable<Span>, calls: Iterable<LlmCall>, q: FacetsQuery): Facets {
  const { from, to } = facetHours(q.from, q.to);
  const inRange = (t: bigint) => (from === null || t >= from) && (to === null || t < to);
  const counter = new FacetCounter();
  for (const span of spans) if (inRange(span.startTimeUnixNano)) counter.spans(serviceNameOf(span.resource), span.name);
  const users = new Set<string>();
  const sessions = new Set<string>();
  for (const call of calls) {
    if (!call.counted || !inRange(call.timestamp)) continue;
    counter.calls(call.model ?? call.requestModel, call.provider, call.operation, call.routeName);
    if (call.userId !== null) users.add(call.userId);
    if (call.sessionId !== null) sessions.add(call.sessionId);
  }
  return counter.facets(q.limit ?? DEFAULT_FACET_VALUES, users.size, sessions.size);
}
