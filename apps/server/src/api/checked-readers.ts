import { assertSupported, type CallReader, type CapabilityNeeds, type ReaderCapabilities, type TraceReader } from '@sightline/storage';

/**
 * The store's readers as the API uses them: every list and sum query is checked against what
 * the store can do first, so one it cannot answer exactly is refused (400, naming what) rather
 * than answered wrong — whichever backend is behind.
 */
export function checkedReaders(reader: TraceReader, calls: CallReader): { reader: TraceReader; calls: CallReader } {
  const can: ReaderCapabilities = reader.capabilities;
  /** Runs `read` once `query` is known to be answerable. */
  const checked =
    <Q extends CapabilityNeeds, R>(read: (q: Q) => Promise<R>) =>
    (q: Q) => {
      assertSupported(can, q);
      return read(q);
    };
  const checkedReader: TraceReader = {
    capabilities: can,
    findTraces: checked((q) => reader.findTraces(q)),
    getTrace: (q) => reader.getTrace(q),
    getSpan: (q) => reader.getSpan(q),
    getSpanTree: (q) => reader.getSpanTree(q),
    getTraceLayout: (q) => reader.getTraceLayout(q),
    getTreeLayout: (q) => reader.getTreeLayout(q),
    getTraceOutline: (q) => reader.getTraceOutline(q),
    readSpans: (project, keys, traceId) => reader.readSpans(project, keys, traceId),
    findSpansInTrace: checked((q) => reader.findSpansInTrace(q)),
  };
  const checkedCalls: CallReader = {
    findCalls: checked((q) => calls.findCalls(q)),
    getCall: (q) => calls.getCall(q),
    findSessions: (q) => calls.findSessions(q),
    getSession: (q) => calls.getSession(q),
    metrics: checked((q) => calls.metrics(q)),
    metricsSeries: checked((q) => calls.metricsSeries(q)),
    facets: (q) => calls.facets(q),
    findLogs: (q) => calls.findLogs(q),
  };
  return { reader: checkedReader, calls: checkedCalls };
}
