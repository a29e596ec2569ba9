/**
 * Spans have keys that carry their trace: the n-th span stored in the trace whose key is k has
 * the key k·2²⁰ + n (its ordinal n counts from 0). The call a span records has its span's key
 * as its row id, and the span's entry in the search index (schema/004-search.ts) too. A
 * trace's calls are then a range of the table's own key, found without an index of their
 * own; keys still grow as traces do, so inserts append. Only a trace's first 2²⁰ spans have
 * keys: calls and search text of later ones are not kept (the spans themselves are).
 *
 * Calls stored before schema version 4 have ids k·2²⁰ + the order of the call among the
 * trace's calls, which is never above its span's ordinal, so no later key collides with them.
 */
export const CALLS_PER_TRACE = 1_048_576;

/** The key of the `ordinal`-th span of trace `traceKey` (null when the trace has too many spans for keys). */
export function spanKey(traceKey: number, ordinal: number): number | null {
  return ordinal < CALLS_PER_TRACE ? traceKey * CALLS_PER_TRACE + ordinal : null;
}

export function firstCallId(traceKey: number): number {
  return traceKey * CALLS_PER_TRACE;
}

export function lastCallId(traceKey: number): number {
  return traceKey * CALLS_PER_TRACE + CALLS_PER_TRACE - 1;
}

/** SQL: the calls of the trace whose key is the expression `traceKey`, as a condition on `c.id`. */
export function callsOfTraceSql(traceKey: string, call = 'c'): string {
  return `${call}.id BETWEEN ${traceKey} * ${CALLS_PER_TRACE} AND ${traceKey} * ${CALLS_PER_TRACE} + ${CALLS_PER_TRACE - 1}`;
}
