/**
 * Call row ids carry their trace: the calls of trace key k have ids from k·2²⁰ on, in the
 * order they arrived. A trace's calls are then a range of the table's own key, found without
 * an index of their own; ids still grow as traces do, so inserts append. A trace keeps at most
 * 2²⁰ calls (more are stored as spans only).
 */
export const CALLS_PER_TRACE = 1_048_576;

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
