import type { GetSpanQuery, GetTraceQuery, SpanTreeQuery, TraceQuery, TraceTextQuery } from './query.js';
import type { Page, SpanTreeNode, StoredSpan, TraceDetail, TraceLayout, TraceSummary, TreeLayout } from './results.js';
import type { TraceOutline } from './trace-outline.js';

/** What a backend can search. A query it cannot answer is refused, never approximated. */
export interface ReaderCapabilities {
  readonly attributeFilters: boolean;
  readonly resourceAttributeFilters: boolean;
  readonly offsetPaging: boolean;
  /**
   * Free text (`TraceQuery.text`, `CallQuery.text`) can be searched. A store without a search
   * index refuses such queries with `UnsupportedQueryError`.
   */
  readonly textSearch: boolean;
}

/** Reads traces back. Every method is scoped to the query's project. */
export interface TraceReader {
  readonly capabilities: ReaderCapabilities;
  findTraces(query: TraceQuery): Promise<Page<TraceSummary>>;
  /** Null when the project has no such trace. */
  getTrace(query: GetTraceQuery): Promise<TraceDetail | null>;
  /** One span of a trace; null when the project has no such span in that trace. */
  getSpan(query: GetSpanQuery): Promise<StoredSpan | null>;
  /** Null when the project has no such span. */
  getSpanTree(query: SpanTreeQuery): Promise<SpanTreeNode | null>;
  /**
   * A trace's summary and its spans' keys in start-time order, without their content: a trace
   * of any size is then read a slice at a time with {@link readSpans}. Null when the project
   * has no such trace. Ordering a huge trace must not hold the caller's thread for long.
   */
  getTraceLayout(query: GetTraceQuery): Promise<TraceLayout | null>;
  /**
   * The tree under a span (as {@link getSpanTree} nests it, `maxDepth` included) as keys in
   * depth-first order with their depths; null when the project has no such span.
   */
  getTreeLayout(query: SpanTreeQuery): Promise<TreeLayout | null>;
  /** A trace's skeleton — every span's place, name, times, status and call summary, no content; null when there is no such trace. */
  getTraceOutline(query: GetTraceQuery): Promise<TraceOutline | null>;
  /**
   * Spans by the keys this reader gave, in the order given; null for a span gone since.
   * `traceId`, when the caller knows it, is the trace all the keys are of (a layout's): a
   * backend may find them by it faster.
   */
  readSpans(project: string, keys: readonly number[], traceId?: string): Promise<(StoredSpan | null)[]>;
  /**
   * The span ids of the trace's spans whose search text holds every word of `text` (finding
   * within a trace by content: a tool's argument, an error message) — the last word typed as
   * you go, so also as the start of a word (see `typedWords`) — at most
   * {@link MAX_TRACE_MATCHES}, in no particular order; null when there is no such trace. A
   * store without `textSearch` refuses it.
   */
  findSpansInTrace(query: TraceTextQuery): Promise<string[] | null>;
}

/** Most span ids {@link TraceReader.findSpansInTrace} gives. */
export const MAX_TRACE_MATCHES = 10_000;
