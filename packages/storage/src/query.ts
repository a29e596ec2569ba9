/**
 * Plain query objects a {@link TraceReader} answers. Every query names its project: data of
 * one project is never visible from another. Times are nanoseconds since the epoch.
 */

/** Operators of an attribute filter. */
export type FilterOp = 'eq' | 'ne' | 'gt' | 'lt' | 'gte' | 'lte' | 'contains' | 'exists';
export const FILTER_OPS: readonly FilterOp[] = ['eq', 'ne', 'gt', 'lt', 'gte', 'lte', 'contains', 'exists'];

/**
 * One condition on an attribute of a span (`target: 'span'`) or of the resource that
 * produced it (`target: 'resource'`). Matching rules (see `matchesFilter`):
 * - `eq` / `ne`: a number matches an int or double of equal value, a boolean a boolean, a
 *   string a string — and, since filters often come from URLs, a string also matches a
 *   number or boolean it spells (`"24"` matches `24`, `"true"` matches `true`). `ne` needs
 *   the attribute to be present.
 * - `gt` / `lt` / `gte` / `lte`: numbers compare as numbers, strings as strings (code points).
 * - `contains`: a string contains the value, ignoring ASCII case; an array has an element
 *   that `eq` matches.
 * - `exists`: the attribute is present (the value is ignored).
 */
export interface AttributeFilter {
  readonly target: 'span' | 'resource';
  readonly key: string;
  readonly op: FilterOp;
  readonly value?: string | number | boolean;
}

export type SpanStatusName = 'unset' | 'ok' | 'error';

export type TraceOrderField =
  | 'start_time'
  | 'end_time'
  | 'duration'
  | 'span_count'
  | 'error_count'
  | 'trace_id'
  | 'llm_call_count'
  | 'total_tokens'
  | 'cost';
export const TRACE_ORDER_FIELDS: readonly TraceOrderField[] = [
  'start_time',
  'end_time',
  'duration',
  'span_count',
  'error_count',
  'trace_id',
  'llm_call_count',
  'total_tokens',
  'cost',
];

export interface TraceOrder {
  readonly field: TraceOrderField;
  readonly direction: 'asc' | 'desc';
}

/**
 * Which traces to list. Trace-level conditions (time range, duration) apply to the trace;
 * span-level conditions (service, span name, status, attribute filters, text) must all hold on
 * one span of the trace — "a span of service X named Y that failed".
 */
export interface TraceQuery {
  readonly project: string;
  /** The trace starts at or after this time. */
  readonly startFrom?: bigint;
  /** The trace starts before this time. */
  readonly startTo?: bigint;
  readonly minDurationNs?: bigint;
  readonly maxDurationNs?: bigint;
  readonly service?: string;
  readonly spanName?: string;
  readonly status?: SpanStatusName;
  readonly attributes?: readonly AttributeFilter[];
  /**
   * Free-text search (`q` in the API): a span whose search text — its name, status message and
   * the string values of its attributes and events, JSON messages included (see
   * `spanSearchText`) — contains every word of `text`, in any order and anywhere in it. Words
   * match whole words, ignoring case and the diacritics of Latin letters; punctuation and
   * quotes only separate words (see `searchWords`): `Refund "policy"` finds a span saying
   * "our refund policy" or "Policy: no refund", not one saying "refunds". A `text` without
   * any word matches nothing.
   */
  readonly text?: string;
  /** The trace belongs to this session (see `TraceSummary.sessionId`). */
  readonly sessionId?: string;
  /** The trace's user (see `TraceSummary.userId`). */
  readonly userId?: string;
  /** The trace has an LLM call whose requested or served model is this. */
  readonly model?: string;
  /** The trace has an LLM call of this provider. */
  readonly provider?: string;
  /** Defaults to newest first (`start_time desc`). */
  readonly orderBy?: TraceOrder;
  /** Page size, 1..1000. */
  readonly limit: number;
  /** An opaque cursor from a previous page's `nextCursor`. */
  readonly cursor?: string;
  /** Skip this many traces (for APIs that page by offset). Not combined with `cursor`. */
  readonly offset?: number;
}

export interface GetTraceQuery {
  readonly project: string;
  readonly traceId: string;
}

/** Free text within one trace (see `TraceReader.findSpansInTrace`). */
export interface TraceTextQuery extends GetTraceQuery {
  /** Every word must be in a span's search text (see `spanSearchText` and `queryWords`). */
  readonly text: string;
}

export interface GetSpanQuery {
  readonly project: string;
  readonly traceId: string;
  readonly spanId: string;
}

export interface SpanTreeQuery {
  readonly project: string;
  readonly spanId: string;
  /** Levels of descendants to include: 0 is the span alone, 1 adds its children. Unbounded when absent. */
  readonly maxDepth?: number;
  /** Return only these attribute keys of each span (all when absent). */
  readonly attributeKeys?: readonly string[];
}

export const DEFAULT_ORDER: TraceOrder = { field: 'start_time', direction: 'desc' };
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 50;
