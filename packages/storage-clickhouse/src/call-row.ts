import type { CallCost, LlmCall, SessionDetails } from '@sightline/core';
import { bucketOf, type StoredCall } from '@sightline/storage';

/** A row of `llm_calls` as JSONEachRow reads and writes it. */
export interface CallRow {
  project: string;
  trace_id: string;
  span_id: string;
  timestamp_ns: string;
  model: string | null;
  request_model: string | null;
  provider: string | null;
  operation: string | null;
  service: string;
  route: string | null;
  session_id: string | null;
  user_id: string | null;
  is_error: number;
  duration_ms: number;
  ttft_ms: number | null;
  input_tokens: string | number | null;
  output_tokens: string | number | null;
  cache_read_tokens: string | number | null;
  cache_write_tokens: string | number | null;
  reasoning_tokens: string | number | null;
  total_tokens: string | number | null;
  cost_usd: number | null;
  /** The rest of the cost (see {@link CallCost}) as JSON. */
  cost: string;
  latency_bucket: number;
  ttft_bucket: number | null;
  rate_bucket: number | null;
  counted: number;
  duplicate_of: string | null;
  /** The session name and labels its span gave (JSON, `null` when none). */
  session_details: string;
  /** The call as ingest read it (content left out), JSON; the columns above take precedence. */
  figures: string;
  version: string | number;
}

/** Fields read again from the span whenever a call is read: not kept in `figures`. */
const CONTENT = new Set(['inputMessages', 'outputMessages', 'toolCalls', 'parameters', 'provenance']);

/** What the store decides of a call over its whole trace (see `resolveCounted`), kept in columns. */
export type Decided = Pick<LlmCall, 'counted' | 'duplicateOf' | 'sessionId' | 'userId' | 'ttftMs' | 'routeName'>;

/** The row of a call: `original` as ingest read it, `decided` what its trace made of it, `cost` its price now. */
export function callToRow(
  project: string,
  original: LlmCall,
  decided: Decided,
  cost: CallCost,
  sessionDetails: SessionDetails | null,
  version: number,
): CallRow {
  const figures: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(original)) if (!CONTENT.has(k)) figures[k] = v;
  figures.timestamp = String(original.timestamp);
  return {
    project,
    trace_id: original.traceId,
    span_id: original.spanId,
    timestamp_ns: String(original.timestamp),
    model: original.model,
    request_model: original.requestModel,
    provider: original.provider,
    operation: original.operation,
    service: original.serviceName,
    route: decided.routeName,
    session_id: decided.sessionId,
    user_id: decided.userId,
    is_error: original.isError ? 1 : 0,
    duration_ms: original.durationMs,
    ttft_ms: decided.ttftMs,
    input_tokens: original.inputTokens,
    output_tokens: original.outputTokens,
    cache_read_tokens: original.cacheReadTokens,
    cache_write_tokens: original.cacheWriteTokens,
    reasoning_tokens: original.reasoningTokens,
    total_tokens: original.totalTokens,
    cost_usd: cost.costUsd,
    cost: JSON.stringify({ b: cost.costBreakdown, s: cost.costSource, m: cost.priceModel }),
    latency_bucket: bucketOf(original.durationMs),
    ttft_bucket: decided.ttftMs === null ? null : bucketOf(decided.ttftMs),
    rate_bucket: original.tokensPerS === null ? null : bucketOf(original.tokensPerS),
    counted: decided.counted ? 1 : 0,
    duplicate_of: decided.duplicateOf,
    session_details: JSON.stringify(sessionDetails),
    figures: JSON.stringify(figures),
    version,
  };
}

/** The call as ingest read it (content left out), with the cost it has now. */
export function originalOf(row: CallRow): LlmCall {
  const figures = JSON.parse(row.figures) as Record<string, unknown>;
  return { ...figures, ...costOf(row), timestamp: BigInt(row.timestamp_ns) } as unknown as LlmCall;
}

export function costOf(row: CallRow): CallCost {
  const c = JSON.parse(row.cost) as { b: CallCost['costBreakdown']; s: CallCost['costSource']; m: string | null };
  return { costUsd: row.cost_usd, costBreakdown: c.b, costSource: c.s, priceModel: c.m };
}

export function decidedOf(row: CallRow): Decided {
  return {
    counted: Boolean(Number(row.counted)),
    duplicateOf: row.duplicate_of,
    sessionId: row.session_id,
    userId: row.user_id,
    ttftMs: row.ttft_ms,
    routeName: row.route,
  };
}

/** The call a row stands for, as the store holds it (content is read from its span by `callWithContent`). */
export function rowToCall(row: CallRow): StoredCall {
  return { ...originalOf(row), ...decidedOf(row), project: row.project };
}

export function sessionDetailsOfRow(row: CallRow): SessionDetails | null {
  return JSON.parse(row.session_details) as SessionDetails | null;
}
