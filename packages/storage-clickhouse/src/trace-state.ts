import { type LlmCall, StatusCode } from '@sightline/core';
import { callTotals, isBetterRoot, resolveCounted } from '@sightline/storage';
import { type CallRow, callToRow, costOf, type Decided, decidedOf, originalOf, sessionDetailsOfRow } from './call-row.js';

/** What a trace's summary reads of each of its spans. */
export interface SkeletonRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  name: string;
  service: string;
  start_ns: string;
  end_ns: string;
  status_code: number;
  expires_at_ns: string | null;
}

export const SKELETON_COLUMNS = 'trace_id, span_id, parent_span_id, name, service, start_ns, end_ns, status_code, expires_at_ns';

/** A row of `traces`. */
export interface TraceRow {
  project: string;
  trace_id: string;
  start_ns: string;
  end_ns: string;
  span_count: number;
  error_count: number;
  root_span_id: string;
  root_name: string;
  root_complete: number;
  service: string;
  call_count: number;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  cost_usd: number | null;
  session_id: string | null;
  user_id: string | null;
  expires_at_ns: string | null;
  version: number | string;
  /** The trace's counted calls that failed. */
  call_error_count: number | string;
  /** The users its counted calls name. */
  users: string[];
  /** The session name and labels its calls of the trace's session gave (JSON), each with the call's time. */
  session_details: [string, string][];
}

const sameDecision = (a: Decided, b: Decided) =>
  a.counted === b.counted &&
  a.duplicateOf === b.duplicateOf &&
  a.sessionId === b.sessionId &&
  a.userId === b.userId &&
  a.ttftMs === b.ttftMs &&
  a.routeName === b.routeName;

/**
 * A trace's state from all of its spans and calls as stored: its summary row, and the call
 * rows whose decision (counted, duplicate of, what a counted copy takes from its duplicates)
 * differs from the one stored — both at `version`, the trace's span count, so what was decided
 * knowing more spans replaces what was decided knowing fewer.
 */
export function traceState(
  project: string,
  spans: readonly SkeletonRow[],
  calls: readonly CallRow[],
): { trace: TraceRow; calls: CallRow[] } {
  const version = spans.length;
  const parents = new Map<string, string | null>();
  let root: SkeletonRow | null = null;
  let rootOrder: { parentSpanId: string | null; startTimeUnixNano: bigint } | null = null;
  let start: bigint | null = null;
  let end: bigint | null = null;
  let errors = 0;
  let expires: bigint | null = null;
  let allExpire = true;
  for (const s of spans) {
    const parent = s.parent_span_id === '' ? null : s.parent_span_id;
    parents.set(s.span_id, parent);
    const order = { parentSpanId: parent, startTimeUnixNano: BigInt(s.start_ns) };
    if (isBetterRoot(order, rootOrder)) {
      root = s;
      rootOrder = order;
    }
    if (start === null || order.startTimeUnixNano < start) start = order.startTimeUnixNano;
    const e = BigInt(s.end_ns);
    if (end === null || e > end) end = e;
    if (Number(s.status_code) === StatusCode.ERROR) errors++;
    if (s.expires_at_ns === null) allExpire = false;
    else if (expires === null || BigInt(s.expires_at_ns) > expires) expires = BigInt(s.expires_at_ns);
  }
  if (root === null) throw new Error('a trace state needs at least one span');
  const originals = calls.map(originalOf);
  const resolved = resolveCounted(originals, parents);
  const totals = callTotals(resolved);
  const changed: CallRow[] = [];
  // What a session's page reads of the calls (see schema/005-session-facts.ts); failed calls are `totals.errorCount`.
  const users = new Set<string>();
  const details: [string, string][] = [];
  resolved.forEach((call: LlmCall, i) => {
    const row = calls[i] as CallRow;
    const decided: Decided = {
      counted: call.counted,
      duplicateOf: call.duplicateOf,
      sessionId: call.sessionId,
      userId: call.userId,
      ttftMs: call.ttftMs,
      routeName: call.routeName,
    };
    if (!sameDecision(decided, decidedOf(row)))
      changed.push(callToRow(project, originals[i] as LlmCall, decided, costOf(row), sessionDetailsOfRow(row), version));
    if (call.counted && call.userId !== null) users.add(call.userId);
    if (call.sessionId !== null && call.sessionId === totals.sessionId && row.session_details !== 'null')
      details.push([row.timestamp_ns, row.session_details]);
  });
  return {
    trace: {
      project,
      trace_id: root.trace_id,
      start_ns: String(start),
      end_ns: String(end),
      span_count: spans.length,
      error_count: errors,
      root_span_id: root.span_id,
      root_name: root.name,
      root_complete: root.parent_span_id === '' ? 1 : 0,
      service: root.service,
      call_count: totals.llmCallCount,
      input_tokens: totals.inputTokens,
      output_tokens: totals.outputTokens,
      total_tokens: totals.totalTokens,
      cost_usd: totals.costUsd,
      session_id: totals.sessionId,
      user_id: totals.userId,
      expires_at_ns: allExpire && expires !== null ? String(expires) : null,
      version,
      call_error_count: totals.errorCount,
      users: [...users],
      session_details: details,
    },
    calls: changed,
  };
}
