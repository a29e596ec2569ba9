import type { AttributeFilter, StoredSpan, TraceReader } from '@sightline/storage';

/** Traces asked for per page, and spans read per slice, while walking. */
const TRACE_PAGE = 100;
const SPAN_SLICE = 500;

export interface SpanWalkQuery {
  readonly project: string;
  /** Conditions a trace must meet on one of its spans. */
  readonly filters: readonly AttributeFilter[];
  /** Levels below each trace's root (Sightline's count); unbounded when absent. */
  readonly maxDepth?: number;
  /** Only spans that have every one of these attributes (with a value other than null). */
  readonly requiredKeys: readonly string[];
}

/**
 * The spans Llama Stack's `query_spans` and `save_spans_to_dataset` take: of every trace
 * matching the filters (newest first), the spans of the tree under its root down to
 * `maxDepth`, depth first, keeping those that have all of `requiredKeys` — yielded a slice at
 * a time, so any number of traces is walked in bounded memory. The first page of traces is
 * read before anything is yielded, so a query the store refuses fails before an answer starts.
 */
export async function walkSpans(reader: TraceReader, q: SpanWalkQuery): Promise<AsyncGenerator<StoredSpan[]>> {
  const first = await reader.findTraces({ project: q.project, attributes: q.filters, limit: TRACE_PAGE });
  return (async function* () {
    let page = first;
    for (;;) {
      for (const trace of page.items) {
        const layout = await reader.getTreeLayout({ project: q.project, spanId: trace.rootSpanId, maxDepth: q.maxDepth });
        if (!layout) continue; // Deleted since the page was read.
        for (let at = 0; at < layout.keys.length; at += SPAN_SLICE) {
          const spans = await reader.readSpans(q.project, layout.keys.slice(at, at + SPAN_SLICE), trace.traceId);
          const kept = spans.filter((s): s is StoredSpan => s !== null && s.traceId === trace.traceId && hasAll(s, q.requiredKeys));
          if (kept.length) yield kept;
        }
      }
      if (page.nextCursor === null) return;
      page = await reader.findTraces({ project: q.project, attributes: q.filters, limit: TRACE_PAGE, cursor: page.nextCursor });
    }
  })();
}

function hasAll(span: StoredSpan, keys: readonly string[]): boolean {
  for (const k of keys)
    if (!Object.hasOwn(span.attributes, k) || span.attributes[k] === null || span.attributes[k] === undefined) return false;
  return true;
}
