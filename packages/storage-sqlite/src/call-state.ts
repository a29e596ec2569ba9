import type { CallLink, CallRole } from '@sightline/core';
import type { CallFigures, TotalsInput } from '@sightline/storage';
import { type CallRow, figuresFromRow, num } from './call-rows.js';
import { CN, CS, callNumber, callString, type EncodedCalls } from './encoded-batch.js';

/** The dimensions a call's metrics roll up under. */
export interface RollupDims {
  readonly service: string;
  readonly provider: string | null;
  readonly model: string | null;
  readonly requestModel: string | null;
  readonly route: string | null;
  readonly operation: string | null;
}

/**
 * A span id as a number, for the writer's per-trace maps: no string or object per span. All
 * 64 bits go in — the low 21 of the high half as they are, the other 11 folded into the low
 * half — so 53 bits of a random id survive (two spans of a trace share a key with odds of
 * n²/2⁵⁴), and ids that differ in any single byte, as made-up ids often do, never share one.
 * (A key that dropped bits had made every call under a root whose id differs from a call's
 * only in its last byte look nested under that call.)
 */
export function idKey(bytes: Uint8Array, at = 0): number {
  const lo =
    ((bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16) | ((bytes[at + 3] as number) << 24)) >>>
    0;
  const hi =
    ((bytes[at + 4] as number) |
      ((bytes[at + 5] as number) << 8) |
      ((bytes[at + 6] as number) << 16) |
      ((bytes[at + 7] as number) << 24)) >>>
    0;
  return (hi & 0x1fffff) * 0x100000000 + ((lo ^ (hi >>> 21)) >>> 0);
}

/**
 * What the writer keeps of one call of a cached trace: enough to decide duplicates, total the
 * trace and roll up metrics. `spanId` is the span's {@link idKey}; `spanBytes` its real id as
 * latin1 text (one short string instead of a buffer).
 */
export interface CallState extends CallLink<number>, CallFigures, TotalsInput, RollupDims {
  /** The row id: the key of the call's span (see call-ids.ts). */
  readonly id: number;
  readonly spanBytes: string;
  counted: boolean;
  duplicateOf: number | null;
  costUsd: number | null;
  /** Which of its session ({@link TAKEN_SESSION}) and user ({@link TAKEN_USER}) the call took from its trace. */
  taken: number;
  /** Where the columns of a call not yet inserted are; null once it is. */
  pending: PendingCall | null;
}

/** Bits of {@link CallState.taken}. */
export const TAKEN_SESSION = 1;
export const TAKEN_USER = 2;

export interface PendingCall {
  readonly calls: EncodedCalls;
  readonly index: number;
  /** The span id, a view into the batch (valid until the batch is written). */
  readonly spanId: Uint8Array;
}

/** The state of call `index` of an encoded group, not yet inserted; `id` is its span's key. */
export function stateFromEncoded(pending: PendingCall, id: number, service: string, timestamp: bigint): CallState {
  const { calls, index, spanId } = pending;
  const str = (k: number) => callString(calls, index, k);
  const number = (k: number) => callNumber(calls, index, k);
  return {
    id,
    spanId: idKey(spanId),
    spanBytes: Buffer.from(spanId.buffer, spanId.byteOffset, 8).toString('latin1'),
    vocabulary: str(CS.Vocabulary) as string,
    model: str(CS.Model),
    requestModel: str(CS.RequestModel),
    requestId: str(CS.RequestId),
    counted: true,
    duplicateOf: null,
    timestamp,
    isError: number(CN.IsError) === 1,
    inputTokens: number(CN.InputTokens),
    outputTokens: number(CN.OutputTokens),
    totalTokens: number(CN.TotalTokens),
    cacheReadTokens: number(CN.CacheReadTokens),
    cacheWriteTokens: number(CN.CacheWriteTokens),
    reasoningTokens: number(CN.ReasoningTokens),
    durationMs: number(CN.DurationMs) as number,
    ttftMs: number(CN.TtftMs),
    tokensPerS: number(CN.TokensPerS),
    costUsd: number(CN.CostUsd),
    sessionId: str(CS.SessionId),
    userId: str(CS.UserId),
    service,
    provider: str(CS.Provider),
    route: str(CS.Route),
    operation: str(CS.Operation),
    role: str(CS.Role) as CallRole | null,
    taken: 0,
    pending,
  };
}

/** The columns of `llm_calls` the writer reads back into a {@link CallState}. */
const STATE_FIELDS = [
  'id',
  'span_id',
  'ts',
  'counted',
  'duplicate_of',
  'vocabulary',
  'service',
  'provider',
  'request_model',
  'model',
  'operation',
  'request_id',
  'is_error',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'ttft_ms',
  'duration_ms',
  'tokens_per_s',
  'cost_usd',
  'session_id',
  'user_id',
  'route',
  'role',
  'taken',
] as const satisfies readonly (keyof CallRow)[];
export const STATE_COLUMNS = STATE_FIELDS.join(', ');
export type StateRow = Pick<CallRow, (typeof STATE_FIELDS)[number]>;

/** The state of a stored call, from its row (read with safe integers on). */
export function stateFromRow(row: StateRow): CallState {
  return {
    id: Number(row.id),
    spanId: idKey(row.span_id),
    spanBytes: row.span_id.toString('latin1'),
    vocabulary: row.vocabulary,
    model: row.model,
    requestModel: row.request_model,
    requestId: row.request_id,
    counted: row.counted === 1n,
    duplicateOf: row.duplicate_of === null ? null : idKey(row.duplicate_of),
    timestamp: row.ts,
    ...figuresFromRow(row),
    costUsd: num(row.cost_usd),
    sessionId: row.session_id,
    userId: row.user_id,
    service: row.service,
    provider: row.provider,
    route: row.route,
    operation: row.operation,
    role: row.role as CallRole | null,
    taken: Number(row.taken),
    pending: null,
  };
}

/** Every column of `llm_calls`, in the order {@link writeInsertValues} gives them. */
export const INSERT_COLUMNS =
  'id, project_id, trace_key, span_id, ts, counted, duplicate_of, vocabulary, service, provider, host_provider, request_model, model, operation, request_id, is_error, session_id, user_id, route, input_tokens, output_tokens, total_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, duration_ms, ttft_ms, tokens_per_s, cost_usd, cost_input, cost_cache_read, cost_cache_write, cost_output, cost_reasoning, cost_source, price_model, source_cost, role, taken';
export const INSERT_COLUMN_COUNT = INSERT_COLUMNS.split(',').length;

/** The cost breakdown's columns (`cost_input` … `cost_reasoning`), and the strings after them (`cost_source` … `role`). */
const COST_PARTS = [CN.CostInput, CN.CostCacheRead, CN.CostCacheWrite, CN.CostOutput, CN.CostReasoning] as const;
const COST_STRINGS = [CS.CostSource, CS.PriceModel, CS.SourceCost, CS.Role] as const;

/**
 * Writes a new call's row values into `out` from index `at` (its {@link INSERT_COLUMN_COUNT}
 * columns); `duplicateOf` is the span id (latin1) of the call that counts instead.
 */
export function writeInsertValues(
  out: unknown[],
  at: number,
  state: CallState,
  projectId: number,
  traceKey: number,
  duplicateOf: string | null,
): void {
  const { calls, index, spanId } = state.pending as PendingCall;
  let i = at;
  out[i++] = state.id;
  out[i++] = projectId;
  out[i++] = traceKey;
  out[i++] = spanId;
  out[i++] = state.timestamp;
  out[i++] = state.counted ? 1 : 0;
  out[i++] = duplicateOf === null ? null : Buffer.from(duplicateOf, 'latin1');
  out[i++] = state.vocabulary;
  out[i++] = state.service;
  out[i++] = state.provider;
  out[i++] = callString(calls, index, CS.HostProvider);
  out[i++] = state.requestModel;
  out[i++] = state.model;
  out[i++] = state.operation;
  out[i++] = state.requestId;
  out[i++] = state.isError ? 1 : 0;
  out[i++] = state.sessionId;
  out[i++] = state.userId;
  out[i++] = state.route;
  out[i++] = state.inputTokens;
  out[i++] = state.outputTokens;
  out[i++] = state.totalTokens;
  out[i++] = state.cacheReadTokens;
  out[i++] = state.cacheWriteTokens;
  out[i++] = state.reasoningTokens;
  out[i++] = state.durationMs;
  out[i++] = state.ttftMs;
  out[i++] = state.tokensPerS;
  out[i++] = state.costUsd;
  for (const part of COST_PARTS) out[i++] = callNumber(calls, index, part);
  for (const field of COST_STRINGS) out[i++] = callString(calls, index, field);
  out[i++] = state.taken;
}
