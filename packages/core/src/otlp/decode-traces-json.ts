import { idOrNull } from '../model/ids.js';
import type { InstrumentationScope, Resource, SpanEvent, SpanKind, SpanLink, StatusCode } from '../model/span.js';
import { jsonExportRequestSteps, readAttributes, readJsonExportRequest } from './decode-common-json.js';
import { DecodeError } from './decode-error.js';
import { type DecodedTraces, type DecodedTracesBuilder, rejectSpan } from './decoded.js';
import { asArray, asEnum, asHexId, asInt64, asObject, asString, asUint32, field } from './json-fields.js';
import { hexSpanProblem } from './span-validation.js';

const KIND_NAMES = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUS_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

/**
 * Decodes an OTLP/JSON `ExportTraceServiceRequest` into canonical spans. Text that is not
 * JSON, or JSON whose fields have the wrong types, raises {@link DecodeError} naming the
 * path; spans that break OTLP's rules are counted in `rejectedSpans` and left out.
 * 64-bit integers should be strings, as OTLP/JSON specifies: numbers beyond 2^53 lose precision.
 */
export function decodeTracesJson(text: string): DecodedTraces {
  const out: DecodedTracesBuilder = { spans: [], rejectedSpans: 0, rejections: [] };
  readJsonExportRequest(text, NAMES, (value, path, resource, scope, resourceIndex, indexInScope) =>
    readSpan(value, path, resource, scope, out, resourceIndex, indexInScope),
  );
  return out;
}

/**
 * {@link decodeTracesJson} in steps of `spansPerStep` spans after the parse, awaiting `pause()`
 * between them. The result is the same.
 */
export async function decodeTracesJsonInSteps(text: string, spansPerStep: number, pause: () => Promise<void>): Promise<DecodedTraces> {
  const out: DecodedTracesBuilder = { spans: [], rejectedSpans: 0, rejections: [] };
  const steps = jsonExportRequestSteps(
    text,
    NAMES,
    (value, path, resource, scope, resourceIndex, indexInScope) => readSpan(value, path, resource, scope, out, resourceIndex, indexInScope),
    spansPerStep,
  );
  while (!steps.next().done) await pause();
  return out;
}

const NAMES = {
  resources: ['resourceSpans', 'resource_spans'],
  scopes: ['scopeSpans', 'scope_spans'],
  items: ['spans', 'spans'],
} as const;

function readSpan(
  value: unknown,
  path: string,
  resource: Resource,
  scope: InstrumentationScope,
  out: DecodedTracesBuilder,
  resourceIndex: number,
  spanIndex: number,
): void {
  const s = asObject(value, path);
  if (s === null) return;
  const name = asString(s.name, `${path}.name`);
  const reject = (problem: string): void => rejectSpan(out, resourceIndex, spanIndex, name, problem);
  const traceId = asHexId(field(s, 'traceId', 'trace_id'), `${path}.traceId`);
  const spanId = asHexId(field(s, 'spanId', 'span_id'), `${path}.spanId`);
  const parentSpanId = asHexId(field(s, 'parentSpanId', 'parent_span_id'), `${path}.parentSpanId`);
  if (traceId === null || spanId === null || parentSpanId === null) {
    reject(`${traceId === null ? 'trace_id' : spanId === null ? 'span_id' : 'parent_span_id'} is not hex`);
    return;
  }
  const start = asInt64(field(s, 'startTimeUnixNano', 'start_time_unix_nano'), `${path}.startTimeUnixNano`);
  const end = asInt64(field(s, 'endTimeUnixNano', 'end_time_unix_nano'), `${path}.endTimeUnixNano`);
  const kind = asEnum(s.kind, `${path}.kind`, KIND_NAMES);
  const statusObj = asObject(s.status, `${path}.status`);
  const statusCode = statusObj ? asEnum(statusObj.code, `${path}.status.code`, STATUS_NAMES) : 0;
  const statusMessage = statusObj ? asString(statusObj.message, `${path}.status.message`) : '';
  const links = asArray(s.links, `${path}.links`).map((l, i) => readLink(l, `${path}.links[${i}]`));
  const events = asArray(s.events, `${path}.events`).map((e, i) => readEvent(e, `${path}.events[${i}]`));
  const attributes = readAttributes(s.attributes, `${path}.attributes`);
  const problem = hexSpanProblem(traceId, spanId, parentSpanId, start, end, kind, statusCode, links, events);
  if (problem !== null) {
    reject(problem);
    return;
  }
  out.spans.push({
    traceId,
    spanId,
    parentSpanId: idOrNull(parentSpanId),
    traceState: asString(field(s, 'traceState', 'trace_state'), `${path}.traceState`),
    flags: asUint32(s.flags, `${path}.flags`),
    name,
    kind: kind as SpanKind,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes,
    droppedAttributesCount: asUint32(field(s, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`),
    events,
    droppedEventsCount: asUint32(field(s, 'droppedEventsCount', 'dropped_events_count'), `${path}.droppedEventsCount`),
    links,
    droppedLinksCount: asUint32(field(s, 'droppedLinksCount', 'dropped_links_count'), `${path}.droppedLinksCount`),
    status: { code: statusCode as StatusCode, message: statusMessage },
    resource,
    scope,
  });
}

function readEvent(value: unknown, path: string): SpanEvent {
  const e = asObject(value, path) ?? {};
  return {
    timeUnixNano: asInt64(field(e, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`),
    name: asString(e.name, `${path}.name`),
    attributes: readAttributes(e.attributes, `${path}.attributes`),
    droppedAttributesCount: asUint32(field(e, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`),
  };
}

function readLink(value: unknown, path: string): SpanLink {
  const l = asObject(value, path) ?? {};
  return {
    // An id that is not hex becomes '', which validation then refuses.
    traceId: asHexId(field(l, 'traceId', 'trace_id'), `${path}.traceId`) ?? '',
    spanId: asHexId(field(l, 'spanId', 'span_id'), `${path}.spanId`) ?? '',
    traceState: asString(field(l, 'traceState', 'trace_state'), `${path}.traceState`),
    attributes: readAttributes(l.attributes, `${path}.attributes`),
    droppedAttributesCount: asUint32(field(l, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`),
    flags: asUint32(l.flags, `${path}.flags`),
  };
}
