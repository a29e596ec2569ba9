import { idOrNull } from '../model/ids.js';
import { eventNameOf } from '../model/log-record.js';
import type { InstrumentationScope, Resource } from '../model/span.js';
import { jsonExportRequestSteps, readAnyValue, readAttributes, readJsonExportRequest } from './decode-common-json.js';
import { type DecodedLogs, type DecodedLogsBuilder, rejectRecord } from './decoded-logs.js';
import { asEnum, asHexId, asInt64, asObject, asString, asUint32, field } from './json-fields.js';
import { logRecordProblem } from './log-validation.js';

const SEVERITY_NAMES = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level) =>
    ['', '2', '3', '4'].map((n) => `SEVERITY_NUMBER_${level}${n}`),
  ),
];

/**
 * Decodes an OTLP/JSON `ExportLogsServiceRequest` into canonical log records. Text that is not
 * JSON, or JSON whose fields have the wrong types, raises `DecodeError` naming the path;
 * records that break OTLP's rules are counted in `rejectedRecords` and left out.
 */
export function decodeLogsJson(text: string): DecodedLogs {
  const out: DecodedLogsBuilder = { records: [], rejectedRecords: 0, rejections: [] };
  readJsonExportRequest(text, NAMES, (value, path, resource, scope, resourceIndex, _indexInScope, indexInResource) =>
    readLogRecord(value, path, resource, scope, out, resourceIndex, indexInResource),
  );
  return out;
}

/**
 * {@link decodeLogsJson} in steps: the text is parsed in pieces and the walk pauses (awaiting
 * `pause()`) after every `recordsPerStep` records. The result is the same.
 */
export async function decodeLogsJsonInSteps(text: string, recordsPerStep: number, pause: () => Promise<void>): Promise<DecodedLogs> {
  const out: DecodedLogsBuilder = { records: [], rejectedRecords: 0, rejections: [] };
  const steps = jsonExportRequestSteps(
    text,
    NAMES,
    (value, path, resource, scope, resourceIndex, _indexInScope, indexInResource) =>
      readLogRecord(value, path, resource, scope, out, resourceIndex, indexInResource),
    recordsPerStep,
  );
  while (!steps.next().done) await pause();
  return out;
}

const NAMES = {
  resources: ['resourceLogs', 'resource_logs'],
  scopes: ['scopeLogs', 'scope_logs'],
  items: ['logRecords', 'log_records'],
} as const;

function readLogRecord(
  value: unknown,
  path: string,
  resource: Resource,
  scope: InstrumentationScope,
  out: DecodedLogsBuilder,
  resourceIndex: number,
  recordIndex: number,
): void {
  const l = asObject(value, path);
  if (l === null) return;
  const traceId = asHexId(field(l, 'traceId', 'trace_id'), `${path}.traceId`);
  const spanId = asHexId(field(l, 'spanId', 'span_id'), `${path}.spanId`);
  if (traceId === null || spanId === null) {
    rejectRecord(out, resourceIndex, recordIndex, `${traceId === null ? 'trace_id' : 'span_id'} is not hex`);
    return;
  }
  const severityNumber = asEnum(field(l, 'severityNumber', 'severity_number'), `${path}.severityNumber`, SEVERITY_NAMES);
  const time = asInt64(field(l, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`);
  const observed = asInt64(field(l, 'observedTimeUnixNano', 'observed_time_unix_nano'), `${path}.observedTimeUnixNano`);
  const problem = logRecordProblem(traceId.length / 2, spanId.length / 2, severityNumber, time, observed);
  if (problem !== null) {
    rejectRecord(out, resourceIndex, recordIndex, problem);
    return;
  }
  const attributes = readAttributes(l.attributes, `${path}.attributes`);
  out.records.push({
    timeUnixNano: time,
    observedTimeUnixNano: observed,
    severityNumber,
    severityText: asString(field(l, 'severityText', 'severity_text'), `${path}.severityText`),
    body: readAnyValue(l.body, `${path}.body`, 1),
    attributes,
    droppedAttributesCount: asUint32(field(l, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`),
    flags: asUint32(l.flags, `${path}.flags`),
    traceId: idOrNull(traceId),
    spanId: idOrNull(spanId),
    eventName: eventNameOf(asString(field(l, 'eventName', 'event_name'), `${path}.eventName`), attributes),
    resource,
    scope,
  });
}
