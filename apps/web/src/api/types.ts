/** The JSON API's shapes, as `sightline serve` answers them (snake_case, ISO-8601 times). */

export interface Page<T> {
  readonly data: T[];
  readonly next_cursor: string | null;
}

export interface TraceSummary {
  readonly trace_id: string;
  readonly root_span_id: string;
  readonly root_span_name: string;
  readonly root_is_complete: boolean;
  readonly service_name: string;
  readonly start_time: string;
  readonly end_time: string;
  readonly duration_ms: number;
  readonly span_count: number;
  readonly error_count: number;
  readonly llm_call_count: number;
  readonly input_tokens: number | null;
  readonly output_tokens: number | null;
  readonly total_tokens: number | null;
  readonly cost_usd: number | null;
  readonly session_id: string | null;
  readonly user_id: string | null;
}

/** An attribute value as JSON: ints beyond 2^53 as strings, bytes as base64. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface SpanEvent {
  readonly time: string;
  readonly name: string;
  readonly attributes: Record<string, JsonValue>;
  readonly dropped_attributes_count: number;
}

export interface SpanLink {
  readonly trace_id: string;
  readonly span_id: string;
  readonly trace_state: string;
  readonly attributes: Record<string, JsonValue>;
  readonly dropped_attributes_count: number;
  readonly flags: number;
}

export interface Span {
  readonly trace_id: string;
  readonly span_id: string;
  readonly parent_span_id: string | null;
  readonly name: string;
  readonly kind: string;
  readonly service_name: string;
  readonly start_time: string;
  readonly end_time: string;
  readonly duration_ms: number;
  readonly status: { readonly code: 'unset' | 'ok' | 'error'; readonly message: string };
  readonly attributes: Record<string, JsonValue>;
  readonly events: SpanEvent[];
  readonly links: SpanLink[];
  readonly resource: {
    readonly attributes: Record<string, JsonValue>;
    readonly dropped_attributes_count: number;
    readonly schema_url: string;
  };
  readonly scope: {
    readonly name: string;
    readonly version: string;
    readonly attributes: Record<string, JsonValue>;
    readonly dropped_attributes_count: number;
    readonly schema_url: string;
  };
  readonly trace_state: string;
  readonly flags: number;
  readonly dropped_attributes_count: number;
  readonly dropped_events_count: number;
  readonly dropped_links_count: number;
}

export interface MessagePart {
  readonly type: string;
  readonly content?: JsonValue;
  readonly id?: JsonValue;
  readonly name?: JsonValue;
  readonly arguments?: JsonValue;
  readonly response?: JsonValue;
  readonly [key: string]: JsonValue | undefined;
}

export interface Message {
  readonly role: string;
  readonly parts: MessagePart[];
  readonly finish_reason?: string;
}

export interface LlmCall {
  readonly trace_id: string;
  readonly span_id: string;
  readonly parent_span_id: string | null;
  readonly request_id: string | null;
  readonly timestamp: string;
  readonly service_name: string;
  readonly provider: string | null;
  readonly host_provider: string | null;
  readonly request_model: string | null;
  readonly model: string | null;
  readonly operation: string | null;
  readonly is_streaming: boolean | null;
  readonly input_tokens: number | null;
  readonly output_tokens: number | null;
  readonly total_tokens: number | null;
  readonly cache_read_tokens: number | null;
  readonly cache_write_tokens: number | null;
  readonly reasoning_tokens: number | null;
  readonly ttft_ms: number | null;
  readonly duration_ms: number;
  readonly tpt_ms: number | null;
  readonly tokens_per_s: number | null;
  readonly finish_reasons: string[] | null;
  readonly tool_call_count: number | null;
  readonly tool_calls: { id: string | null; name: string | null; arguments: JsonValue }[] | null;
  readonly is_error: boolean;
  readonly error_type: string | null;
  readonly status_code: number | null;
  readonly session_id: string | null;
  readonly user_id: string | null;
  readonly route_name: string | null;
  readonly routing_strategy: string | null;
  readonly routing_reason: string | null;
  readonly gateway_cache: boolean | null;
  readonly input_messages: Message[] | null;
  readonly output_messages: Message[] | null;
  readonly parameters: Record<string, JsonValue>;
  readonly cost_usd: number | null;
  readonly cost_breakdown: {
    readonly input: number | null;
    readonly cache_read: number | null;
    readonly cache_write: number | null;
    readonly output: number | null;
    readonly reasoning: number | null;
  } | null;
  readonly cost_source: 'table' | 'source' | 'override' | null;
  readonly source_cost_usd: number | null;
  readonly price_model: string | null;
  readonly vocabulary: string;
  readonly provenance: Record<string, { vocabulary: string; rule: string }>;
  readonly counted: boolean;
  readonly duplicate_of: string | null;
}

export interface SessionSummary {
  readonly session_id: string;
  /** The name the app gave it, or null. */
  readonly name: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly first_seen: string;
  readonly last_seen: string;
  readonly trace_count: number;
  readonly call_count: number;
  readonly error_count: number;
  readonly input_tokens: number | null;
  readonly output_tokens: number | null;
  readonly total_tokens: number | null;
  readonly cost_usd: number | null;
  readonly users: string[];
}

export interface SessionDetail {
  readonly session: SessionSummary;
  readonly traces: TraceSummary[];
  readonly calls: LlmCall[];
  readonly next_cursor?: string | null;
}

export interface MetricsRow {
  readonly key: string | null;
  readonly calls: number;
  readonly errors: number;
  readonly error_rate: number | null;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_read_tokens: number;
  readonly cache_write_tokens: number;
  readonly reasoning_tokens: number;
  readonly total_tokens: number;
  readonly cost_usd: number;
  readonly unpriced_calls: number;
  readonly latency_ms: { readonly p50: number | null; readonly p95: number | null; readonly p99: number | null };
  readonly ttft_ms: { readonly p50: number | null; readonly p95: number | null };
  readonly tokens_per_s: { readonly p50: number | null };
}

export interface Metrics {
  readonly group_by: string | null;
  readonly data: MetricsRow[];
  readonly total: MetricsRow;
}

/** `GET /api/traces/{id}/outline`: a trace's skeleton, in columns (span i is index i of each). */
export interface TraceOutlineJson {
  readonly trace: TraceSummary;
  readonly start_time: string;
  readonly spans: {
    readonly count: number;
    readonly span_id: string[];
    readonly parent: number[];
    readonly name: number[];
    readonly service: number[];
    readonly kind: number[];
    readonly status: number[];
    readonly start_ms: number[];
    readonly duration_ms: number[];
    readonly call: number[];
  };
  readonly calls: {
    readonly count: number;
    readonly model: number[];
    readonly provider: number[];
    readonly input_tokens: (number | null)[];
    readonly output_tokens: (number | null)[];
    readonly cache_read_tokens: (number | null)[];
    readonly cost_usd: (number | null)[];
    readonly ttft_ms: (number | null)[];
    readonly counted: boolean[];
    readonly is_error: boolean[];
  };
  readonly strings: string[];
}

/** `GET /api/metrics/series`: per bucket, per series (top keys, the rest as `other`), one array per figure. */
export interface MetricsSeries {
  readonly bucket: 'minute' | 'hour' | 'day';
  readonly split_by: string | null;
  readonly rank_by: 'calls' | 'cost';
  readonly buckets: string[];
  readonly series: {
    readonly key: string | null;
    readonly other: boolean;
    readonly calls: number[];
    readonly errors: number[];
    readonly input_tokens: number[];
    readonly output_tokens: number[];
    readonly cost_usd: (number | null)[];
    readonly latency_ms: { readonly p50: (number | null)[]; readonly p95: (number | null)[] };
    readonly ttft_ms: { readonly p50: (number | null)[]; readonly p95: (number | null)[] };
  }[];
  readonly total: {
    readonly calls: number[];
    readonly errors: number[];
    readonly input_tokens: number[];
    readonly output_tokens: number[];
    readonly cost_usd: (number | null)[];
    readonly latency_ms: { readonly p50: (number | null)[]; readonly p95: (number | null)[] };
    readonly ttft_ms: { readonly p50: (number | null)[]; readonly p95: (number | null)[] };
  };
}

export interface OtelMetricInfo {
  readonly name: string;
  readonly kind: string;
  readonly unit: string;
  readonly description: string;
  readonly series: number;
  readonly points: number;
  readonly last_seen: string;
}

export interface OtelMetricGroup {
  readonly key: Record<string, JsonValue>;
  readonly series: number;
  readonly value: number | null;
  readonly count?: number | null;
  readonly avg?: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly p50?: number | null;
  readonly p95?: number | null;
  readonly points: readonly { readonly time: string; readonly value: number | null }[];
}

export interface OtelMetric {
  readonly name: string;
  readonly kind: string | null;
  readonly unit: string | null;
  readonly description: string | null;
  readonly value: 'increase' | 'latest' | null;
  readonly step_seconds: number;
  readonly groups: OtelMetricGroup[];
  readonly truncated: boolean;
}
