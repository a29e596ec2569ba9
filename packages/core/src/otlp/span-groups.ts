import type { InstrumentationScope, Resource, Span } from '../model/span.js';

/**
 * Spans grouped as an OTLP export request holds them: by resource object, then by scope object
 * (by identity, in the order first seen), so spans that share those objects share them on the
 * wire too.
 */
export function spansByResourceAndScope(spans: readonly Span[]): Map<Resource, Map<InstrumentationScope, Span[]>> {
  const byResource = new Map<Resource, Map<InstrumentationScope, Span[]>>();
  for (const span of spans) {
    let byScope = byResource.get(span.resource);
    if (!byScope) byResource.set(span.resource, (byScope = new Map()));
    const list = byScope.get(span.scope);
    if (list) list.push(span);
    else byScope.set(span.scope, [span]);
  }
  return byResource;
}
