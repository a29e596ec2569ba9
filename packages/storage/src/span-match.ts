import { type Span, StatusCode, serviceNameOf } from '@sightline/core';
import { matchesFilter } from './attribute-match.js';
import type { SpanStatusName, TraceQuery } from './query.js';
import { spanSearchText } from './search-text.js';
import { queryWords, searchWords } from './search-words.js';

const STATUS_CODES: Record<SpanStatusName, number> = { unset: StatusCode.UNSET, ok: StatusCode.OK, error: StatusCode.ERROR };

/** Whether a query has any span-level condition. */
export function hasSpanConditions(q: TraceQuery): boolean {
  return (
    q.service !== undefined || q.spanName !== undefined || q.status !== undefined || (q.attributes?.length ?? 0) > 0 || q.text !== undefined
  );
}

/** The words of a span's search text (see `spanSearchText`), as a set. */
export function spanWords(span: Span): Set<string> {
  return new Set(searchWords(spanSearchText(span)));
}

/**
 * The reference semantics of free text (`TraceQuery.text`, `CallQuery.text`) on one span, given
 * its words: every word of the text is one of them; a text without words matches nothing.
 */
export function textMatches(words: ReadonlySet<string>, text: string): boolean {
  const wanted = queryWords(text);
  return wanted.length > 0 && wanted.every((w) => words.has(w));
}

/**
 * The reference semantics of a query's span-level conditions on one span. `wordsOf` gives a
 * span's words for the text condition (a store may keep them); they are computed when absent.
 */
export function spanMatches(span: Span, q: TraceQuery, wordsOf: (span: Span) => ReadonlySet<string> = spanWords): boolean {
  if (q.service !== undefined && serviceNameOf(span.resource) !== q.service) return false;
  if (q.spanName !== undefined && span.name !== q.spanName) return false;
  if (q.status !== undefined && span.status.code !== STATUS_CODES[q.status]) return false;
  for (const filter of q.attributes ?? []) {
    const attrs = filter.target === 'resource' ? span.resource.attributes : span.attributes;
    if (!matchesFilter(attrs, filter)) return false;
  }
  if (q.text !== undefined && !textMatches(wordsOf(span), q.text)) return false;
  return true;
}
