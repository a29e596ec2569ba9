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
 * A span id as a small integer, for the writer's per-trace maps: no string or object per span.
 * Two spans of one trace sharing a key (odds of about n²/2³¹) would at worst make the
 * duplicate check see a wrong parent.
 */
export function idKey(bytes: Uint8Array, at = 0): number {
  const lo =
    (bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16) | ((bytes[at + 3] as number) << 24);
  const hi =
    (bytes[at + 4] as number) | ((bytes[at + 5] as number) << 8) | ((bytes[at + 6] as number) << 16) | ((bytes[at + 7] as number) << 24);
  return (lo ^ hi) & 0x3fffffff;
}

/**
 * What the writer keeps of one call of a cached trace: enough to decide duplicates, total the
 * trace and roll up metrics. `spanId` is the span's {@link idKey}; `spanBlob` its real id.
 */
export interface CallState extends CallLink<number>, CallFigures, TotalsInput {
  /** The row id; 0 until the row is inserted. */
  id: number;
  readonly spanBlob: Uint8Array;
  counted: boolean;
  duplicateOf: number | null;
  costUsd: number | null;
  readonly dims: RollupDims;
  /** Where the columns of a call not yet inserted are. */
  pending: PendingCall | null;
}

export interface PendingCall {
  readonly calls: EncodedCalls;
  readonly index: number;
}

const nullable = (v: number) => (Number.isNaN(v) ? null : v);

/** The state of call `index` of an encoded group, not yet inserted. */
export function stateFromEncoded(pending: PendingCall, spanBlob: Uint8Array, service: string, timestamp: bigint): CallState {
  const { calls, index } = pending;
  const n = index * CALL_NUMS;
  const s = index * CALL_STRINGS;
  const nums = calls.nums;
  const strings = calls.strings;
  const model = strings[s + CS.Model] ?? null;
  const requestModel = strings[s + CS.RequestModel] ?? null;
  return {
    id: 0,
    spanId: idKey(spanBlob),
    spanBlob,
    vocabulary: strings[s + CS.Vocabulary] as string,
    model,
    requestModel,
    requestId: strings[s + CS.RequestId] ?? null,
    counted: true,
    duplicateOf: null,
    timestamp,
    isError: nums[n + CN.IsError] === 1,
    inputTokens: nullable(nums[n + CN.InputTokens] as number),
    outputTokens: nullable(nums[n + CN.OutputTokens] as number),
    totalTokens: nullable(nums[n + CN.TotalTokens] as number),
    cacheReadTokens: nullable(nums[n + CN.CacheReadTokens] as number),
    cacheWriteTokens: nullable(nums[n + CN.CacheWriteTokens] as number),
    reasoningTokens: nullable(nums[n + CN.ReasoningTokens] as number),
    durationMs: nums[n + CN.DurationMs] as number,
    ttftMs: nullable(nums[n + CN.TtftMs] as number),
    tokensPerS: nullable(nums[n + CN.TokensPerS] as number),
    costUsd: nullable(nums[n + CN.CostUsd] as number),
    sessionId: strings[s + CS.SessionId] ?? null,
    userId: strings[s + CS.UserId] ?? null,
    dims: {
      service,
      provider: strings[s + CS.Provider] ?? '',
      model: model ?? '',
      requestModel: requestModel ?? '',
      route: strings[s + CS.Route] ?? '',
      operation: strings[s + CS.Operation] ?? '',
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
  ttft_ms: number | bigint | null;
  duration_ms: number | bigint;
  tokens_per_s: number | bigint | null;
  cost_usd: number | bigint | null;
  session_id: string | null;
  user_id: string | null;
  route: string | null;
}

const num = (v: bigint | number | null) => (v === null ? null : Number(v));

/** The state of a stored call, from its row (read with safe integers on). */
export function stateFromRow(row: StateRow): CallState {
  return {
    id: Number(row.id),
    spanId: idKey(row.span_id),
    spanBlob: row.span_id,
    vocabulary: row.vocabulary,
    model: row.model,
    requestModel: row.request_model,
    requestId: row.request_id,
    counted: row.counted === 1n,
    duplicateOf: row.duplicate_of === null ? null : idKey(row.duplicate_of),
    timestamp: row.ts,
    isError: row.is_error === 1n,
    inputTokens: num(row.input_tokens),
    outputTokens: num(row.output_tokens),
    totalTokens: num(row.total_tokens),
    cacheReadTokens: num(row.cache_read_tokens),
    cacheWriteTokens: num(row.cache_write_tokens),
    reasoningTokens: num(row.reasoning_tokens),
    durationMs: Number(row.duration_ms),
    ttftMs: num(row.ttft_ms),
    tokensPerS: num(row.tokens_per_s),
    costUsd: num(row.cost_usd),
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
export const INSERT_COLUMNS =
  'project_id, trace_key, span_id, ts, counted, duplicate_of, vocabulary, service, provider, host_provider, request_model, model, operation, request_id, is_error, session_id, user_id, route, input_tokens, output_tokens, total_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, duration_ms, ttft_ms, tokens_per_s, cost_usd, cost_source, cost_detail, source_cost';

/** The values of a new call's row; `duplicateOf` is the span id of the call that counts instead. */
export function insertValues(state: CallState, projectId: number, traceKey: number, duplicateOf: Uint8Array | null): unknown[] {
  const { calls, index } = state.pending as PendingCall;
  const n = index * CALL_NUMS;
  const s = index * CALL_STRINGS;
  const nums = calls.nums;
  const strings = calls.strings;
  return [
    projectId,
    traceKey,
    state.spanBlob,
    state.timestamp,
    state.counted ? 1 : 0,
    duplicateOf,
    state.vocabulary,
    state.dims.service,
    strings[s + CS.Provider] ?? null,
    strings[s + CS.HostProvider] ?? null,
    state.requestModel,
    state.model,
    strings[s + CS.Operation] ?? null,
    state.requestId,
    state.isError ? 1 : 0,
    state.sessionId,
    state.userId,
    strings[s + CS.Route] ?? null,
    state.inputTokens,
    state.outputTokens,
    state.totalTokens,
    state.cacheReadTokens,
    state.cacheWriteTokens,
    state.reasoningTokens,
    state.durationMs,
    state.ttftMs,
    state.tokensPerS,
    nullable(nums[n + CN.CostUsd] as number),
    strings[s + CS.CostSource] ?? null,
    strings[s + CS.CostDetail] ?? null,
    strings[s + CS.SourceCost] ?? null,
  ];
}
