import { type Span, StatusCode, serviceNameOf } from '@sightline/core';
import type { TraceSummary } from './results.js';
import { type CallTotals, NO_CALLS } from './trace-calls.js';

/** What decides which span is a trace's root: whether it has a parent (null: none), and when it starts. */
export interface RootOrder {
  readonly parentSpanId: unknown;
  readonly startTimeUnixNano: bigint;
}

/** Whether `candidate` should replace `current` as a trace's root (see `TraceSummary.rootSpanId`). */
export function isBetterRoot(candidate: RootOrder, current: RootOrder | null): boolean {
  if (current === null) return true;
  const candidateIsRoot = candidate.parentSpanId === null;
  const currentIsRoot = current.parentSpanId === null;
  if (candidateIsRoot !== currentIsRoot) return candidateIsRoot;
  return candidate.startTimeUnixNano < current.startTimeUnixNano;
}

/** Summarizes a non-empty list of one trace's spans, with what its calls add up to. */
export function summarizeTrace(project: string, spans: readonly Span[], calls: CallTotals = NO_CALLS): TraceSummary {
  let root: Span | null = null;
  let start = 0n;
  let end = 0n;
  let errors = 0;
  for (const span of spans) {
    if (isBetterRoot(span, root)) root = span;
    if (start === 0n || span.startTimeUnixNano < start) start = span.startTimeUnixNano;
    if (span.endTimeUnixNano > end) end = span.endTimeUnixNano;
    if (span.status.code === StatusCode.ERROR) errors++;
  }
  if (root === null) throw new Error('summarizeTrace needs at least one span');
  return {
    project,
    traceId: root.traceId,
    rootSpanId: root.spanId,
    rootSpanName: root.name,
    rootIsComplete: root.parentSpanId === null,
    serviceName: serviceNameOf(root.resource),
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    spanCount: spans.length,
    errorCount: errors,
    llmCallCount: calls.llmCallCount,
    inputTokens: calls.inputTokens,
    outputTokens: calls.outputTokens,
    totalTokens: calls.totalTokens,
    costUsd: calls.costUsd,
    sessionId: calls.sessionId,
    userId: calls.userId,
  };
}
