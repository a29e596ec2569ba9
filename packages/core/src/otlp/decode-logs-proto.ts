import { type AnyValue, newAttributes } from '../model/any-value.js';
import { idOrNull } from '../model/ids.js';
import { eventNameOf } from '../model/log-record.js';
import type { InstrumentationScope, Resource } from '../model/span.js';
import { attributesOrEmpty, readAnyValue, readKeyValue } from './decode-any-value-proto.js';
import { exportRequestSteps, readExportRequest } from './decode-common-proto.js';
import { type DecodedLogs, type DecodedLogsBuilder, rejectRecord } from './decoded-logs.js';
import { logRecordProblem } from './log-validation.js';
import { ProtoReader } from './proto-reader.js';

/**
 * Decodes an OTLP `ExportLogsServiceRequest` (protobuf) straight into canonical log records.
 * Malformed protobuf raises `DecodeError`; records that break OTLP's rules are counted in
 * `rejectedRecords` and left out.
 */
export function decodeLogsProto(body: Uint8Array): DecodedLogs {
  const out: DecodedLogsBuilder = { records: [], rejectedRecords: 0, rejections: [] };
  readExportRequest(new ProtoReader(body), NAMES, (r, end, resource, scope, resourceIndex, _indexInScope, indexInResource) =>
    readLogRecord(r, end, resource, scope, out, resourceIndex, indexInResource),
  );
  return out;
}

/**
 * {@link decodeLogsProto} in steps of `recordsPerStep` records, awaiting `pause()` between them:
 * a large request does not hold up everything else while it decodes. The result is the same.
 */
export async function decodeLogsProtoInSteps(body: Uint8Array, recordsPerStep: number, pause: () => Promise<void>): Promise<DecodedLogs> {
  const out: DecodedLogsBuilder = { records: [], rejectedRecords: 0, rejections: [] };
  const steps = exportRequestSteps(
    new ProtoReader(body),
    NAMES,
    (r, end, resource, scope, resourceIndex, _indexInScope, indexInResource) =>
      readLogRecord(r, end, resource, scope, out, resourceIndex, indexInResource),
    recordsPerStep,
  );
  while (!steps.next().done) await pause();
  return out;
}

const NAMES = { resource: 'resource_logs', scope: 'scope_logs' };

function readLogRecord(
  r: ProtoReader,
  end: number,
  resource: Resource,
  scope: InstrumentationScope,
  out: DecodedLogsBuilder,
  resourceIndex: number,
  recordIndex: number,
): void {
  let time = 0n;
  let observed = 0n;
  let severityNumber = 0;
  let severityText = '';
  let body: AnyValue = null;
  let attributes: Record<string, AnyValue> | null = null;
  let dropped = 0;
  let flags = 0;
  let traceId = '';
  let traceIdBytes = 0;
  let spanId = '';
  let spanIdBytes = 0;
  let eventName = '';
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x09:
        time = r.fixed64();
        break;
      case 0x10:
        severityNumber = r.uint32() | 0;
        break;
      case 0x1a:
        severityText = r.string(end);
        break;
      case 0x2a:
        body = readAnyValue(r, r.lengthEnd(end), 1);
        break;
      case 0x32:
        readKeyValue(r, r.lengthEnd(end), (attributes ??= newAttributes()), 0);
        break;
      case 0x38:
        dropped = r.uint32();
        break;
      case 0x45:
        flags = r.fixed32();
        break;
      case 0x4a:
        traceId = r.hexId(end);
        traceIdBytes = r.lastLength;
        break;
      case 0x52:
        spanId = r.hexId(end);
        spanIdBytes = r.lastLength;
        break;
      case 0x59:
        observed = r.fixed64();
        break;
      case 0x62:
        eventName = r.string(end);
        break;
      default:
        r.skip(tag & 7, end);
    }
  }
  r.expectEnd(end, 'log_record');
  const problem = logRecordProblem(traceIdBytes, spanIdBytes, severityNumber, time, observed);
  if (problem !== null) {
    rejectRecord(out, resourceIndex, recordIndex, problem);
    return;
  }
  const attrs = attributesOrEmpty(attributes);
  out.records.push({
    timeUnixNano: time,
    observedTimeUnixNano: observed,
    severityNumber,
    severityText,
    body,
    attributes: attrs,
    droppedAttributesCount: dropped,
    flags,
    traceId: idOrNull(traceId),
    spanId: idOrNull(spanId),
    eventName: eventNameOf(eventName, attrs),
    resource,
    scope,
  });
}
