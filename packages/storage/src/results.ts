import type { Span } from '@sightline/core';

/** A span as stored: the canonical span and the project it belongs to. */
export interface StoredSpan extends Span {
  readonly project: string;
}

/** What a trace list shows of one trace. */
export interface TraceSummary {
  readonly project: string;
  readonly traceId: string;
  /**
   * The root: the earliest span without a parent; while no such span has arrived, the
   * earliest span of the trace (and `rootIsComplete` is false).
   */
  readonly rootSpanId: string;
  readonly rootSpanName: string;
  readonly rootIsComplete: boolean;
  /** The root span's `service.name`. */
  readonly serviceName: string;
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  readonly spanCount: number;
  readonly errorCount: number;
  /** LLM calls in the trace, each model call once (duplicates are not counted). */
  readonly llmCallCount: number;
  /** Sums over those calls of the counts they know; null when none knows it. */
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly totalTokens: number | null;
  /** Sum of the calls' costs; null when no call is priced. */
  readonly costUsd: number | null;
  /** The session of the trace's first call that names one. */
  readonly sessionId: string | null;
  /** The user of the trace's first call that names one. */
  readonly userId: string | null;
}

export interface TraceDetail {
  readonly summary: TraceSummary;
  /** Every span of the trace, ordered by start time. */
  readonly spans: StoredSpan[];
}

/**
 * A trace's spans in start-time order as keys — the backend's handles for them — so a trace
 * of any size is read a slice at a time (see `TraceReader.readSpans`).
 */
export interface TraceLayout {
  readonly summary: TraceSummary;
  readonly keys: readonly number[];
}

/** The spans of a tree, depth first, children by start time: their keys and depths below its root. */
export interface TreeLayout {
  readonly keys: readonly number[];
  readonly depths: readonly number[];
  /** The trace the tree is of, when the backend has it at hand: handed back to `readSpans`. */
  readonly traceId?: string;
}

export interface SpanTreeNode {
  readonly span: StoredSpan;
  /** Ordered by start time. */
  readonly children: SpanTreeNode[];
}

export interface Page<T> {
  readonly items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export interface WriteResult {
  /** Spans newly stored. */
  readonly stored: number;
  /** Spans that were already stored (retries) and were left as they were. */
  readonly duplicates: number;
  /** Log records newly stored. */
  readonly logsStored?: number;
  /** OTLP metric data points newly stored. */
  readonly metricPointsStored?: number;
}
