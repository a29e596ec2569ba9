import type { CallLink } from '@sightline/core';
import type { CallFigures, TotalsInput } from '@sightline/storage';
import { CALL_NUMS, CALL_STRINGS, CN, CS, type EncodedCalls } from './encoded-batch.js';

/** The dimensions a call's metrics roll up under; '' stands for none. */
export interface RollupDims {
  readonly service: string;
  readonly provider: string;
  readonly model: string;
  readonly requestModel: string;
  readonly route: string;
  readonly operation: string;
}

/**
 * What the writer keeps of one call of a cached trace: enough to decide duplicates, total the
 * trace and roll up metrics. `spanId` is the span id's bytes as a latin1 string (the key the
 * trace's parent map uses).
 */
export interface CallState extends CallLink, CallFigures, TotalsInput {
  /** The row id; 0 until the row is inserted. */
  id: number;
  counted: boolean;
  duplicateOf: string | null;
  costUsd: number | null;
  readonly dims: RollupDims;
  /** Where the columns of a call not yet inserted are, and its span's ids. */
  pending: PendingCall | null;
}

export interface PendingCall {
  readonly calls: EncodedCalls;
  readonly index: number;
  readonly spanId: Uint8Array;
  readonly parentSpanId: Uint8Array | null;
}

const nullable = (v: number) => (Number.isNaN(v) ? null : v);

/** The state of call `index` of an encoded group, not yet inserted. */
export function stateFromEncoded(pending: PendingCall, spanKey: string, service: string, timestamp: bigint): CallState {
  const { calls, index } = pending;
  const n = index * CALL_NUMS;
  const s = index * CALL_STRINGS;
  const num = (k: number) => nullable(calls.nums[n + k] as number);
  const str = (k: number) => calls.strings[s + k] ?? null;
  return {
    id: 0,
    spanId: spanKey,
    vocabulary: str(CS.Vocabulary) as string,
    model: str(CS.Model),
    requestModel: str(CS.RequestModel),
    requestId: str(CS.RequestId),
    counted: true,
    duplicateOf: null,
    timestamp,
    isError: num(CN.IsError) === 1,
    inputTokens: num(CN.InputTokens),
    outputTokens: num(CN.OutputTokens),
    totalTokens: num(CN.TotalTokens),
    cacheReadTokens: num(CN.CacheReadTokens),
    cacheWriteTokens: num(CN.CacheWriteTokens),
    reasoningTokens: num(CN.ReasoningTokens),
    durationMs: calls.nums[n + CN.DurationMs] as number,
    ttftMs: num(CN.TtftMs),
    tokensPerS: num(CN.TokensPerS),
    costUsd: num(CN.CostUsd),
    sessionId: str(CS.SessionId),
    userId: str(CS.UserId),
    dims: {
      service,
      provider: str(CS.Provider) ?? '',
      model: str(CS.Model) ?? '',
      requestModel: str(CS.RequestModel) ?? '',
      route: str(CS.Route) ?? '',
      operation: str(CS.Operation) ?? '',
    },
    pending,
  };
}

/** The columns of `llm_calls` the writer reads back into a {@link CallState}. */
export const STATE_COLUMNS =
  'id, span_id, ts, counted, duplicate_of, vocabulary, service, provider, request_model, model, operation, request_id, is_error, input_tokens, output_tokens, total_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, ttft_ms, duration_ms, tokens_per_s, cost_usd, session_id, user_id, route';

export interface StateRow {
  id: bigint;
  span_id: Buffer;
  ts: bigint;
  counted: bigint;
  duplicate_of: Buffer | null;
  vocabulary: string;
  service: string;
  provider: string | null;
  request_model: string | null;
  model: string | null;
  operation: string | null;
  request_id: string | null;
  is_error: bigint;
  input_tokens: bigint | null;
  output_tokens: bigint | null;
  total_tokens: bigint | null;
  cache_read_tokens: bigint | null;
  cache_write_tokens: bigint | null;
  reasoning_tokens: bigint | null;
  ttft_ms: number | null;
  duration_ms: number;
  tokens_per_s: number | null;
  cost_usd: number | null;
  session_id: string | null;
  user_id: string | null;
  route: string | null;
}

const int = (v: bigint | null) => (v === null ? null : Number(v));
const real = (v: number | bigint | null) => (v === null ? null : Number(v));

/** The state of a stored call, from its row (read with safe integers on). */
export function stateFromRow(row: StateRow): CallState {
  return {
    id: Number(row.id),
    spanId: row.span_id.toString('latin1'),
    vocabulary: row.vocabulary,
    model: row.model,
    requestModel: row.request_model,
    requestId: row.request_id,
    counted: row.counted === 1n,
    duplicateOf: row.duplicate_of === null ? null : row.duplicate_of.toString('latin1'),
    timestamp: row.ts,
    isError: row.is_error === 1n,
    inputTokens: int(row.input_tokens),
    outputTokens: int(row.output_tokens),
    totalTokens: int(row.total_tokens),
    cacheReadTokens: int(row.cache_read_tokens),
    cacheWriteTokens: int(row.cache_write_tokens),
    reasoningTokens: int(row.reasoning_tokens),
    durationMs: real(row.duration_ms) as number,
    ttftMs: real(row.ttft_ms),
    tokensPerS: real(row.tokens_per_s),
    costUsd: real(row.cost_usd),
    sessionId: row.session_id,
    userId: row.user_id,
    dims: {
      service: row.service,
      provider: row.provider ?? '',
      model: row.model ?? '',
      requestModel: row.request_model ?? '',
      route: row.route ?? '',
      operation: row.operation ?? '',
    },
    pending: null,
  };
}

/** Every column of `llm_calls` but `id`, in the order {@link insertValues} gives them. */
export const INSERT_COLUMNS = [
  'project_id',
  'trace_key',
  'span_id',
  'parent_span_id',
  'ts',
  'counted',
  'duplicate_of',
  'vocabulary',
  'service',
  'provider',
  'host_provider',
  'request_model',
  'model',
  'operation',
  'request_id',
  'is_streaming',
  'is_error',
  'error_type',
  'status_code',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'ttft_ms',
  'duration_ms',
  'tpt_ms',
  'tokens_per_s',
  'finish_reasons',
  'tool_call_count',
  'session_id',
  'user_id',
  'route',
  'routing_strategy',
  'routing_reason',
  'gateway_cache',
  'cost_usd',
  'cost_input',
  'cost_cache_read',
  'cost_cache_write',
  'cost_output',
  'cost_reasoning',
  'cost_source',
  'price_model',
  'source_cost',
] as const;

/** The values of a new call's row. */
export function insertValues(state: CallState, projectId: number, traceKey: number): unknown[] {
  const { calls, index, spanId, parentSpanId } = state.pending as PendingCall;
  const n = index * CALL_NUMS;
  const s = index * CALL_STRINGS;
  const num = (k: number) => nullable(calls.nums[n + k] as number);
  const str = (k: number) => calls.strings[s + k] ?? null;
  const streaming = num(CN.IsStreaming);
  return [
    projectId,
    traceKey,
    spanId,
    parentSpanId,
    state.timestamp,
    state.counted ? 1 : 0,
    state.duplicateOf === null ? null : Buffer.from(state.duplicateOf, 'latin1'),
    state.vocabulary,
    state.dims.service,
    str(CS.Provider),
    str(CS.HostProvider),
    str(CS.RequestModel),
    str(CS.Model),
    str(CS.Operation),
    str(CS.RequestId),
    streaming,
    state.isError ? 1 : 0,
    str(CS.ErrorType),
    num(CN.StatusCode),
    num(CN.InputTokens),
    num(CN.OutputTokens),
    num(CN.TotalTokens),
    num(CN.CacheReadTokens),
    num(CN.CacheWriteTokens),
    num(CN.ReasoningTokens),
    num(CN.TtftMs),
    state.durationMs,
    num(CN.TptMs),
    num(CN.TokensPerS),
    str(CS.FinishReasons),
    num(CN.ToolCallCount),
    str(CS.SessionId),
    str(CS.UserId),
    str(CS.Route),
    str(CS.RoutingStrategy),
    str(CS.RoutingReason),
    str(CS.GatewayCache),
    num(CN.CostUsd),
    num(CN.CostInput),
    num(CN.CostCacheRead),
    num(CN.CostCacheWrite),
    num(CN.CostOutput),
    num(CN.CostReasoning),
    str(CS.CostSource),
    str(CS.PriceModel),
    str(CS.SourceCost),
  ];
}
