import type { CallReader } from '@sightline/storage';
import type { DamageWatch } from './damage-watch.js';
import type { BatchSink } from './writer-protocol.js';

/** `sink`, its failures checked for damage by `watch`. */
export function watchedSink(sink: BatchSink, watch: DamageWatch): BatchSink {
  return {
    write: (batch) => watch.write(() => sink.write(batch)),
    deleteExpired: (now) => watch.write(() => sink.deleteExpired(now)),
    setCosts: (changes) => watch.write(() => sink.setCosts(changes)),
    delete: (deletion) => watch.write(() => sink.delete(deletion)),
    close: () => sink.close(),
  };
}

/** `calls`, its failures checked for damage by `watch`. */
export function watchedCalls(calls: CallReader, watch: DamageWatch): CallReader {
  return {
    findCalls: (q) => watch.read(() => calls.findCalls(q)),
    getCall: (q) => watch.read(() => calls.getCall(q)),
    findSessions: (q) => watch.read(() => calls.findSessions(q)),
    getSession: (q) => watch.read(() => calls.getSession(q)),
    metrics: (q) => watch.read(() => calls.metrics(q)),
    metricsSeries: (q) => watch.read(() => calls.metricsSeries(q)),
    facets: (q) => watch.read(() => calls.facets(q)),
    findLogs: (q) => watch.read(() => calls.findLogs(q)),
  };
}
