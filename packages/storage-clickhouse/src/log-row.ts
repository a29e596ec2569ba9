import { createHash } from 'node:crypto';
import { decodeTypedJson, encodeTypedJson, type LogRecord } from '@sightline/core';
import { decodeAttributes, encodeAttributes, type StoredLog } from '@sightline/storage';
import { decodeResource, decodeScope, encodeResource, encodeScope } from './span-row.js';

/** A row of `logs`. */
export interface LogRow {
  project: string;
  trace_id: string;
  span_id: string;
  time_ns: string;
  /** Orders records of one time as they were written. */
  seq: number;
  fingerprint: string;
  record: string;
}

/** What makes two log records the same record (a client retry): all but where it came from (resource, scope). */
function fingerprintOf(what: string): string {
  return createHash('sha256').update(what).digest('base64url');
}

export function logToRow(project: string, log: LogRecord, seq: number): LogRow {
  const what = {
    t: String(log.timeUnixNano),
    o: String(log.observedTimeUnixNano),
    n: log.severityNumber,
    x: log.severityText,
    b: encodeTypedJson(log.body),
    a: encodeAttributes(log.attributes),
    d: log.droppedAttributesCount,
    f: log.flags,
    tr: log.traceId,
    sp: log.spanId,
    e: log.eventName,
  };
  const record = JSON.stringify({ ...what, r: encodeResource(log.resource), s: encodeScope(log.scope) });
  return {
    project,
    trace_id: log.traceId ?? '',
    span_id: log.spanId ?? '',
    time_ns: String(log.timeUnixNano),
    seq,
    fingerprint: fingerprintOf(JSON.stringify(what)),
    record,
  };
}

export function rowToLog(row: Pick<LogRow, 'project' | 'record'>): StoredLog {
  const r = JSON.parse(row.record);
  return {
    project: row.project,
    timeUnixNano: BigInt(r.t),
    observedTimeUnixNano: BigInt(r.o),
    severityNumber: r.n,
    severityText: r.x,
    body: decodeTypedJson(r.b),
    attributes: decodeAttributes(r.a),
    droppedAttributesCount: r.d,
    flags: r.f,
    traceId: r.tr,
    spanId: r.sp,
    eventName: r.e,
    resource: decodeResource(r.r),
    scope: decodeScope(r.s),
  };
}
