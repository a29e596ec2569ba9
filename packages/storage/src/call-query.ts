import type { AttributeFilter } from './query.js';

/**
 * Plain query objects a {@link CallReader} answers. Every query names its project. Times are
 * nanoseconds since the epoch; a call's time is its span's start.
 */

/** Conditions on LLM calls, shared by the call list and metrics. All must hold. */
export interface CallFilters {
  readonly project: string;
  /** The call starts at or after this time. */
  readonly from?: bigint;
  /** The call starts before this time. */
  readonly to?: bigint;
  readonly traceId?: string;
  readonly provider?: string;
  /** Matches the requested or the served model, exactly. */
  readonly model?: string;
  readonly operation?: string;
  readonly service?: string;
  readonly sessionId?: string;
  readonly userId?: string;
  readonly route?: string;
  /** `error`: calls that failed; `ok`: calls that did not. */
  readonly status?: 'error' | 'ok';
  /** Priced calls costing at least this much (USD). */
  readonly minCostUsd?: number;
  /** Calls lasting at least this long. */
  readonly minDurationMs?: number;
  /** Conditions on the call's span attributes (`target: 'span'`) or its resource's. */
  readonly attributes?: readonly AttributeFilter[];
}

export type CallOrderField = 'timestamp' | 'duration' | 'ttft' | 'cost' | 'total_tokens' | 'tokens_per_s';
export const CALL_ORDER_FIELDS: readonly CallOrderField[] = ['timestamp', 'duration', 'ttft', 'cost', 'total_tokens', 'tokens_per_s'];

export interface CallOrder {
  readonly field: CallOrderField;
  readonly direction: 'asc' | 'desc';
}

export const DEFAULT_CALL_ORDER: CallOrder = { field: 'timestamp', direction: 'desc' };

export interface CallQuery extends CallFilters {
  /**
   * Free-text search (`q` in the API): calls whose span's search text contains every word of
   * `text` — the words of its prompts and completions, its name, tool calls and other string
   * attributes — with the rules of `TraceQuery.text`. Content that arrives as separate log
   * records (GenAI events sent as OTLP logs) is not searched.
   */
  readonly text?: string;
  /** Defaults to newest first. Unknown values (an unpriced call's cost) sort below all others. */
  readonly orderBy?: CallOrder;
  /** Page size, 1..1000. */
  readonly limit: number;
  readonly cursor?: string;
}

export interface GetCallQuery {
  readonly project: string;
  readonly spanId: string;
}

export type MetricsGroupBy = 'model' | 'provider' | 'service' | 'route' | 'operation' | 'session' | 'user' | 'hour' | 'day';
export const METRICS_GROUP_BY: readonly MetricsGroupBy[] = [
  'model',
  'provider',
  'service',
  'route',
  'operation',
  'session',
  'user',
  'hour',
  'day',
];

/** What picks the groups (or series) shown when not all are: those with the most calls, or that cost the most. */
export type GroupRank = 'calls' | 'cost';
/** Every {@link GroupRank}, for validating input. */
export const GROUP_RANKS: readonly GroupRank[] = ['calls', 'cost'];

/**
 * Aggregates over the calls that count (a duplicate of another call is skipped, so usage
 * is never counted twice). `groupBy` splits them: by served model (else requested), provider,
 * service, route, operation, session, user, or UTC hour or day of the call's start.
 */
export interface MetricsQuery extends CallFilters {
  readonly groupBy?: MetricsGroupBy;
  /** Most groups returned (default 100, at most 1000): the first by `rankBy`; time buckets in time order. */
  readonly limit?: number;
  /** Which groups come first (default `calls`: the most calls; `cost`: the highest cost, unpriced as nothing). */
  readonly rankBy?: GroupRank;
}

/** `duration`: from its first trace's start to its last trace's end; `error_count`: its failed calls. */
export type SessionOrderField =
  | 'last_seen'
  | 'first_seen'
  | 'duration'
  | 'trace_count'
  | 'call_count'
  | 'total_tokens'
  | 'cost'
  | 'error_count';
export const SESSION_ORDER_FIELDS: readonly SessionOrderField[] = [
  'last_seen',
  'first_seen',
  'duration',
  'trace_count',
  'call_count',
  'total_tokens',
  'cost',
  'error_count',
];

export interface SessionOrder {
  readonly field: SessionOrderField;
  readonly direction: 'asc' | 'desc';
}

export const DEFAULT_SESSION_ORDER: SessionOrder = { field: 'last_seen', direction: 'desc' };

export interface SessionQuery {
  readonly project: string;
  /** Sessions last seen at or after this time. */
  readonly from?: bigint;
  /** Sessions first seen before this time. */
  readonly to?: bigint;
  /** Sessions this user took part in. */
  readonly userId?: string;
  /** Sessions with every one of these labels. */
  readonly labels?: readonly { readonly key: string; readonly value: string }[];
  readonly orderBy?: SessionOrder;
  readonly limit: number;
  readonly cursor?: string;
}

/** Calls on one page of a session when no limit is given. */
export const DEFAULT_SESSION_CALLS = 200;

/**
 * One page of a session as a conversation: `limit` of its calls in time order from `cursor`
 * on (`asc`, the default, from its start; `desc`, the latest first), with the traces they
 * belong to.
 */
export interface GetSessionQuery {
  readonly project: string;
  readonly sessionId: string;
  /** Calls per page, 1..1000 (default {@link DEFAULT_SESSION_CALLS}). */
  readonly limit?: number;
  /** `nextCursor` of the previous page, in the same order. */
  readonly cursor?: string;
  readonly order?: 'asc' | 'desc';
}

export interface LogQuery {
  readonly project: string;
  readonly traceId: string;
  /** Only records of this span. */
  readonly spanId?: string;
  /** Most records returned (default 1000). */
  readonly limit?: number;
}

/** Metrics groupings an hourly rollup by service, provider, model, operation and route can give. */
export type RollupGroupBy = Exclude<MetricsGroupBy, 'session' | 'user'>;

/**
 * The keys of a metrics or series query that shape its answer — grouping, ranking, size,
 * buckets — rather than choose the calls it reads: whatever a store aggregates from can answer
 * any of them.
 */
const ANSWER_SHAPE = new Set(['groupBy', 'limit', 'rankBy', 'bucket', 'splitBy']);

/**
 * Whether the filters a metrics or series query sets are all among `answerable` (keys of the
 * query, beside `project`); the keys that shape the answer are never filters.
 */
export function filtersWithin(q: object, answerable: ReadonlySet<string>): boolean {
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    if (k !== 'project' && !ANSWER_SHAPE.has(k) && !answerable.has(k)) return false;
  }
  return true;
}

/** What such a rollup keeps of a call: the filters it can answer. */
const ROLLUP_FILTERS = new Set(['from', 'to', 'provider', 'model', 'operation', 'service', 'route']);

/**
 * Whether hourly rollups of the calls that count, by service, provider, model, operation and
 * route, answer a metrics or series query (with the calls themselves for the partial hours at
 * its edges): its grouping and every filter it sets are among what they keep.
 */
export function rollupsAnswer(q: MetricsQuery): q is MetricsQuery & { groupBy?: RollupGroupBy } {
  return q.groupBy !== 'session' && q.groupBy !== 'user' && filtersWithin(q, ROLLUP_FILTERS);
}
