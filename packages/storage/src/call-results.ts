import type { LlmCall, LogRecord } from '@sightline/core';
import type { TraceSummary } from './results.js';

/** An LLM call as stored, in its project; `counted` and `duplicateOf` are decided by the store. */
export interface StoredCall extends LlmCall {
  readonly project: string;
}

export interface SessionSummary {
  readonly project: string;
  readonly sessionId: string;
  /** The start of its first trace and the end of its last, ns. */
  readonly firstSeenUnixNano: bigint;
  readonly lastSeenUnixNano: bigint;
  readonly traceCount: number;
  /** Calls that count (see `LlmCall.counted`). */
  readonly callCount: number;
  readonly errorCount: number;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly totalTokens: number | null;
  /** Null when no call is priced. */
  readonly costUsd: number | null;
  /** Users seen in the session, sorted. */
  readonly users: string[];
  /** The name the app gave the session (`sightline.session.name` on its calls' spans), or null. */
  readonly name: string | null;
  /** Its labels (`sightline.label.<key>` on its calls' spans; the first value of a key stays). */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * A page of a session as a conversation: its summary, a page of the calls of its traces in
 * time order, and the traces those calls belong to (each trace with a call on the page, in
 * the page's order by start: a trace whose calls run over several pages is on each).
 */
export interface SessionDetail {
  readonly summary: SessionSummary;
  readonly traces: TraceSummary[];
  readonly calls: StoredCall[];
  /** Null on the last page. */
  readonly nextCursor: string | null;
}

export interface LatencyPercentiles {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

/** Aggregates over a group of calls. Percentiles are within 1% of the exact value. */
export interface MetricsRow {
  /** The group's value (model name, …; for hour/day the bucket's start in ns as text); null for calls without one. */
  readonly key: string | null;
  readonly calls: number;
  readonly errors: number;
  /** Sums over the calls that know each count. */
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly reasoningTokens: number;
  readonly totalTokens: number;
  /** Sum over priced calls; null when none is priced. */
  readonly costUsd: number | null;
  readonly unpricedCalls: number;
  readonly latencyMs: LatencyPercentiles;
  readonly ttftMs: { readonly p50: number | null; readonly p95: number | null };
  readonly tokensPerS: { readonly p50: number | null };
}

export interface MetricsResult {
  readonly groups: MetricsRow[];
  /** Every matching call together (key null). */
  readonly total: MetricsRow;
}

export interface StoredLog extends LogRecord {
  readonly project: string;
}

export interface RepriceResult {
  /** Calls looked at. */
  readonly calls: number;
  /** Calls whose cost changed. */
  readonly changed: number;
}
