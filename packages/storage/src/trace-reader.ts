import type { GetTraceQuery, SpanTreeQuery, TraceQuery } from './query.js';
import type { Page, SpanTreeNode, TraceDetail, TraceSummary } from './results.js';

/** What a backend can search. A query it cannot answer is refused, never approximated. */
export interface ReaderCapabilities {
  readonly attributeFilters: boolean;
  readonly resourceAttributeFilters: boolean;
  readonly offsetPaging: boolean;
}

/** Reads traces back. Every method is scoped to the query's project. */
export interface TraceReader {
  readonly capabilities: ReaderCapabilities;
  findTraces(query: TraceQuery): Promise<Page<TraceSummary>>;
  /** Null when the project has no such trace. */
  getTrace(query: GetTraceQuery): Promise<TraceDetail | null>;
  /** Null when the project has no such span. */
  getSpanTree(query: SpanTreeQuery): Promise<SpanTreeNode | null>;
}
