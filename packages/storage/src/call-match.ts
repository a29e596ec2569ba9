import type { LlmCall, Span } from '@sightline/core';
import { matchesFilter } from './attribute-match.js';
import type { CallFilters, CallQuery } from './call-query.js';
import { spanWords, textMatches } from './span-match.js';

/** The reference semantics of call filters on one call (and its span, for attribute filters). */
export function callMatches(call: LlmCall, span: Span | null, f: CallFilters): boolean {
  if (f.from !== undefined && call.timestamp < f.from) return false;
  if (f.to !== undefined && call.timestamp >= f.to) return false;
  if (f.traceId !== undefined && call.traceId !== f.traceId) return false;
  if (f.provider !== undefined && call.provider !== f.provider) return false;
  if (f.model !== undefined && call.model !== f.model && call.requestModel !== f.model) return false;
  if (f.operation !== undefined && call.operation !== f.operation) return false;
  if (f.service !== undefined && call.serviceName !== f.service) return false;
  if (f.sessionId !== undefined && call.sessionId !== f.sessionId) return false;
  if (f.userId !== undefined && call.userId !== f.userId) return false;
  if (f.route !== undefined && call.routeName !== f.route) return false;
  if (f.status !== undefined && call.isError !== (f.status === 'error')) return false;
  if (f.minCostUsd !== undefined && (call.costUsd === null || call.costUsd < f.minCostUsd)) return false;
  if (f.minDurationMs !== undefined && call.durationMs < f.minDurationMs) return false;
  for (const filter of f.attributes ?? []) {
    if (!span) return false;
    const attrs = filter.target === 'resource' ? span.resource.attributes : span.attributes;
    if (!matchesFilter(attrs, filter)) return false;
  }
  return true;
}

/**
 * The reference semantics of a call query on one call: its filters, and its text on the call's
 * span (a call whose span is gone never matches a text). `wordsOf` as in `spanMatches`.
 */
export function callQueryMatches(
  call: LlmCall,
  span: Span | null,
  q: CallQuery,
  wordsOf: (span: Span) => ReadonlySet<string> = spanWords,
): boolean {
  if (!callMatches(call, span, q)) return false;
  return q.text === undefined || (span !== null && textMatches(wordsOf(span), q.text));
}
