import { type Span, StatusCode, serviceNameOf } from '@sightline/core';
import { matchesFilter } from './attribute-match.js';
import type { SpanStatusName, TraceQuery } from './query.js';

const STATUS_CODES: Record<SpanStatusName, number> = { unset: StatusCode.UNSET, ok: StatusCode.OK, error: StatusCode.ERROR };

/** Whether a query has any span-level condition. */
export function hasSpanConditions(q: TraceQuery): boolean {
  return q.service !== undefined || q.spanName !== undefined || q.status !== undefined || (q.attributes?.length ?? 0) > 0;
}

/** The reference semantics of a query's span-level conditions on one span. */
export function spanMatches(span: Span, q: TraceQuery): boolean {
  if (q.service !== undefined && serviceNameOf(span.resource) !== q.service) return false;
  if (q.spanName !== undefined && span.name !== q.spanName) return false;
  if (q.status !== undefined && span.status.code !== STATUS_CODES[q.status]) return false;
  for (const filter of q.attributes ?? []) {
    const attrs = filter.target === 'resource' ? span.resource.attributes : span.attributes;
    if (!matchesFilter(attrs, filter)) return false;
  }
  return true;
}
