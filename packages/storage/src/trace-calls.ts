import { findDuplicates, type LlmCall } from '@sightline/core';
import { type CopyFields, copiesByCounted, fieldsFromCopies } from './merged-copies.js';
import type { TraceSummary } from './results.js';

/** What a trace's calls add up to (the calls that count only): the call figures of its summary, and the calls that failed. */
export interface CallTotals
  extends Pick<TraceSummary, 'llmCallCount' | 'inputTokens' | 'outputTokens' | 'totalTokens' | 'costUsd' | 'sessionId' | 'userId'> {
  /** Failed calls (the summary's `errorCount` counts failed spans). */
  readonly errorCount: number;
}

export const NO_CALLS: CallTotals = {
  llmCallCount: 0,
  errorCount: 0,
  inputTokens: null,
  outputTokens: null,
  totalTokens: null,
  costUsd: null,
  sessionId: null,
  userId: null,
};

/**
 * One trace's calls with `counted` and `duplicateOf` decided (see `findDuplicates`): a call
 * that repeats another's usage is kept, but not counted. `parentOf` gives the parent of every
 * span of the trace. A call that names no session or user takes its trace's (see
 * {@link fieldsFromTrace}).
 */
export function resolveCounted<C extends LlmCall>(calls: readonly C[], parentOf: ReadonlyMap<string, string | null>): C[] {
  const duplicates = findDuplicates(calls, parentOf);
  const copiesOf = copiesByCounted(calls, duplicates);
  const resolved = calls.map((c) => {
    const of = duplicates.get(c.spanId) ?? null;
    const copies = copiesOf.get(c.spanId);
    // The counted copy takes what only its duplicates know (see `fieldsFromCopies`).
    const fill = copies ? fieldsFromCopies(copyFields(c), copies.map(copyFields)) : null;
    if (c.counted === (of === null) && c.duplicateOf === of && fill === null) return c;
    const merged =
      fill === null
        ? null
        : {
            sessionId: fill.sessionId ?? c.sessionId,
            userId: fill.userId ?? c.userId,
            ttftMs: fill.ttftMs ?? c.ttftMs,
            routeName: fill.route ?? c.routeName,
          };
    return { ...c, ...merged, counted: of === null, duplicateOf: of };
  });
  const trace = traceSessionAndUser(resolved);
  return resolved.map((c) => {
    const fill = fieldsFromTrace(c, trace);
    return fill === null ? c : { ...c, ...fill };
  });
}

const copyFields = (c: LlmCall): CopyFields => ({ sessionId: c.sessionId, userId: c.userId, ttftMs: c.ttftMs, route: c.routeName });

/** What totals read of a call. */
export type TotalsInput = Pick<
  LlmCall,
  'counted' | 'isError' | 'inputTokens' | 'outputTokens' | 'totalTokens' | 'costUsd' | 'sessionId' | 'userId' | 'timestamp'
>;

/** A sum of costs, rounded to 1e-10 USD so float noise does not show. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}

/**
 * Totals of the calls that count. Sums cover the calls that know each figure (null when none
 * does); session and user are the trace's owner (see {@link traceSessionAndUser}).
 */
export function callTotals(calls: readonly TotalsInput[]): CallTotals {
  let count = 0;
  let errors = 0;
  let input: number | null = null;
  let output: number | null = null;
  let total: number | null = null;
  let cost: number | null = null;
  const add = (sum: number | null, v: number | null) => (v === null ? sum : (sum ?? 0) + v);
  for (const c of calls) {
    if (!c.counted) continue;
    count++;
    if (c.isError) errors++;
    input = add(input, c.inputTokens);
    output = add(output, c.outputTokens);
    total = add(total, c.totalTokens);
    cost = add(cost, c.costUsd);
  }
  return {
    llmCallCount: count,
    errorCount: errors,
    inputTokens: input,
    outputTokens: output,
    totalTokens: total,
    costUsd: cost === null ? null : roundUsd(cost),
    ...traceSessionAndUser(calls),
  };
}

/** Who a trace belongs to: the session and the user of the earliest of its calls that names each, counted or not. */
export interface TraceOwner {
  readonly sessionId: string | null;
  readonly userId: string | null;
}

/** The session and user of a trace's calls (see {@link TraceOwner}). */
export function traceSessionAndUser(calls: Iterable<Pick<TotalsInput, 'sessionId' | 'userId' | 'timestamp'>>): TraceOwner {
  let session: Pick<TotalsInput, 'sessionId' | 'timestamp'> | null = null;
  let user: Pick<TotalsInput, 'userId' | 'timestamp'> | null = null;
  for (const c of calls) {
    if (c.sessionId !== null && (session === null || c.timestamp < session.timestamp)) session = c;
    if (c.userId !== null && (user === null || c.timestamp < user.timestamp)) user = c;
  }
  return { sessionId: session?.sessionId ?? null, userId: user?.userId ?? null };
}

/**
 * What a call that names no session or no user takes from its trace's owner; null when it takes
 * nothing. A trace is one session's turn: an embedding or a tool's model call made in it is
 * that session's and that user's — in the call list, the metrics and their rollups as on the
 * session's page, which shows every call of the session's traces. A call that names its own
 * keeps it. The owner is worked out from what the calls named themselves, so when an earlier
 * call names another session (a trace whose calls name two), the calls that took the first
 * take the second.
 */
export function fieldsFromTrace(
  call: Pick<TotalsInput, 'sessionId' | 'userId'>,
  owner: TraceOwner,
): { sessionId?: string; userId?: string } | null {
  const session = call.sessionId === null && owner.sessionId !== null;
  const user = call.userId === null && owner.userId !== null;
  if (!session && !user) return null;
  return {
    ...(session ? { sessionId: owner.sessionId as string } : {}),
    ...(user ? { userId: owner.userId as string } : {}),
  };
}
