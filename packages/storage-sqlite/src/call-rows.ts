import type { CostBreakdown, CostSource } from '@sightline/core';
import type { StoredFigures } from '@sightline/storage';
import { blobToHex } from './ids.js';

/** A row of `SELECT c.*, t.trace_id` from `llm_calls c` (safe integers on). */
export interface CallRow {
  id: bigint;
  trace_id: Buffer;
  span_id: Buffer;
  trace_key: bigint;
  ts: bigint;
  counted: bigint;
  duplicate_of: Buffer | null;
  vocabulary: string;
  service: string;
  provider: string | null;
  host_provider: string | null;
  request_model: string | null;
  model: string | null;
  operation: string | null;
  request_id: string | null;
  is_error: bigint;
  session_id: string | null;
  user_id: string | null;
  route: string | null;
  role: string | null;
  /** What the call took from its trace: 1 its session, 2 its user (see schema/012-taken-fields.ts). */
  taken: bigint;
  input_tokens: bigint | null;
  output_tokens: bigint | null;
  total_tokens: bigint | null;
  cache_read_tokens: bigint | null;
  cache_write_tokens: bigint | null;
  reasoning_tokens: bigint | null;
  duration_ms: number | bigint;
  ttft_ms: number | bigint | null;
  tokens_per_s: number | bigint | null;
  cost_usd: number | bigint | null;
  cost_input: number | bigint | null;
  cost_cache_read: number | bigint | null;
  cost_cache_write: number | bigint | null;
  cost_output: number | bigint | null;
  cost_reasoning: number | bigint | null;
  cost_source: string | null;
  price_model: string | null;
  source_cost: string | null;
}

export const num = (v: number | bigint | null): number | null => (v === null ? null : Number(v));

/** A cost the source reported itself, as the `source_cost` column keeps it. */
export interface SourceCost {
  readonly usd: number;
  readonly breakdown: CostBreakdown | null;
}

/** The `source_cost` column's text for a call (null when the source reported no cost). */
export function encodeSourceCost(usd: number | null, breakdown: CostBreakdown | null): string | null {
  return usd === null ? null : JSON.stringify({ usd, breakdown } satisfies SourceCost);
}

export function decodeSourceCost(text: string | null): SourceCost | null {
  return text === null ? null : (JSON.parse(text) as SourceCost);
}

/** The columns of a call's outcome, usage and timing. */
type FigureColumns = Pick<
  CallRow,
  | 'is_error'
  | 'input_tokens'
  | 'output_tokens'
  | 'total_tokens'
  | 'cache_read_tokens'
  | 'cache_write_tokens'
  | 'reasoning_tokens'
  | 'duration_ms'
  | 'ttft_ms'
  | 'tokens_per_s'
>;

/** A row's outcome, usage and timing, as numbers. */
export function figuresFromRow(row: FigureColumns) {
  return {
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
  };
}

/** What a row keeps of a call (the rest is read from the span: see `callWithContent`). */
export function rowToCall(row: CallRow, project: string): StoredFigures {
  const b: CostBreakdown = {
    input: num(row.cost_input),
    cacheRead: num(row.cost_cache_read),
    cacheWrite: num(row.cost_cache_write),
    output: num(row.cost_output),
    reasoning: num(row.cost_reasoning),
  };
  const breakdown = Object.values(b).every((v) => v === null) ? null : b;
  const source = decodeSourceCost(row.source_cost);
  return {
    project,
    traceId: blobToHex(row.trace_id),
    spanId: blobToHex(row.span_id),
    requestId: row.request_id,
    timestamp: row.ts,
    serviceName: row.service,
    provider: row.provider,
    hostProvider: row.host_provider,
    requestModel: row.request_model,
    model: row.model,
    operation: row.operation,
    ...figuresFromRow(row),
    sessionId: row.session_id,
    userId: row.user_id,
    routeName: row.route,
    costUsd: num(row.cost_usd),
    costBreakdown: breakdown,
    costSource: row.cost_source as CostSource | null,
    priceModel: row.price_model,
    sourceCostUsd: source?.usd ?? null,
    sourceCostBreakdown: source?.breakdown ?? null,
    vocabulary: row.vocabulary,
    counted: row.counted === 1n,
    duplicateOf: row.duplicate_of === null ? null : blobToHex(row.duplicate_of),
  };
}
