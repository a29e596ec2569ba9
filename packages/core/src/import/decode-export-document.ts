import { type Attributes, EMPTY_ATTRIBUTES, fromPlain, MAX_VALUE_DEPTH, newAttributes } from '../model/any-value.js';
import { idOrNull } from '../model/ids.js';
import type { InstrumentationScope, Resource, SpanEvent, SpanKind, SpanLink, StatusCode } from '../model/span.js';
import { DecodeError } from '../otlp/decode-error.js';
import { type DecodedTraces, type DecodedTracesBuilder, rejectItem } from '../otlp/decoded.js';
import { asArray, asEnum, asHexId, asInt64, asObject, asString, asUint32 } from '../otlp/json-fields.js';
import { hexSpanProblem } from '../otlp/span-validation.js';

export const EXPORT_FORMAT = 'sightline-export';
export const EXPORT_VERSION = 1;

const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUSES = ['unset', 'ok', 'error'];

/**
 * Reads the Sightline SDK's JSON file export (`format: "sightline-export"`, version 1) back
 * into canonical spans: the same checks as OTLP, with paths into the document (`spans[3]`).
 * Its `sessions` and `traces` are derived from the spans and are not read back.
 */
export function decodeExportDocument(text: string): DecodedTraces {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    throw new DecodeError(`the file is not valid JSON: ${(err as Error).message}`);
  }
  const doc = asObject(root, 'document');
  if (doc === null) throw new DecodeError('document: expected an object');
  if (doc.format !== EXPORT_FORMAT) {
    const hint = 'resourceSpans' in doc || 'resource_spans' in doc ? ' — this is an OTLP/JSON request: send it to POST /v1/traces' : '';
    throw new DecodeError(
      `format: expected "${EXPORT_FORMAT}" (a file written by the Sightline SDK's file export), got ${shown(doc.format)}${hint}`,
    );
  }
  if (doc.version !== EXPORT_VERSION)
    throw new DecodeError(`version: ${shown(doc.version)} is not supported; this server reads version ${EXPORT_VERSION}`);
  if (!Array.isArray(doc.spans)) throw new DecodeError('spans: expected an array');
  const resourceObj = asObject(doc.resource, 'resource');
  const resource: Resource = {
    attributes: plainAttributes(resourceObj?.attributes, 'resource.attributes'),
    droppedAttributesCount: 0,
    schemaUrl: '',
  };
  const scopes = new Map<string, InstrumentationScope>();
  const out: DecodedTracesBuilder = { spans: [], rejectedSpans: 0, rejections: [] };
  const spans = doc.spans as unknown[];
  for (let i = 0; i < spans.length; i++) {
    const path = `spans[${i}]`;
    try {
      readSpan(spans[i], path, resource, scopes, out);
    } catch (err) {
      // A span with a field of the wrong type is refused alone, like one with a bad id.
      if (!(err instanceof DecodeError)) throw err;
      const name = (spans[i] as { name?: unknown } | null)?.name;
      rejectItem(
        out,
        path,
        typeof name === 'string' ? name : '',
        err.message.startsWith(path) ? err.message.slice(path.length + 1).trim() : err.message,
      );
    }
  }
  return out;
}

function readSpan(
  value: unknown,
  path: string,
  resource: Resource,
  scopes: Map<string, InstrumentationScope>,
  out: DecodedTracesBuilder,
): void {
  const s = asObject(value, path);
  if (s === null) throw new DecodeError(`${path}: expected an object`);
  const name = asString(s.name, `${path}.name`);
  const traceId = asHexId(s.trace_id, `${path}.trace_id`);
  const spanId = asHexId(s.span_id, `${path}.span_id`);
  const parent = asHexId(s.parent_span_id, `${path}.parent_span_id`);
  if (traceId === null || spanId === null || parent === null) {
    rejectItem(out, path, name, `${traceId === null ? 'trace_id' : spanId === null ? 'span_id' : 'parent_span_id'} is not hex`);
    return;
  }
  const start = asInt64(s.start_time_unix_nano, `${path}.start_time_unix_nano`);
  const end = asInt64(s.end_time_unix_nano, `${path}.end_time_unix_nano`);
  const kind = asEnum(s.kind ?? 'unspecified', `${path}.kind`, KINDS);
  const status = asObject(s.status, `${path}.status`);
  const statusCode = asEnum(status?.code ?? 'unset', `${path}.status.code`, STATUSES);
  const links = asArray(s.links, `${path}.links`).map((l, i) => readLink(l, `${path}.links[${i}]`));
  const events = asArray(s.events, `${path}.events`).map((e, i) => readEvent(e, `${path}.events[${i}]`));
  const problem = hexSpanProblem(traceId, spanId, parent, start, end, kind, statusCode, links, events);
  if (problem !== null) {
    rejectItem(out, path, name, problem);
    return;
  }
  out.spans.push({
    traceId,
    spanId,
    parentSpanId: idOrNull(parent),
    traceState: asString(s.trace_state, `${path}.trace_state`),
    flags: asUint32(s.flags, `${path}.flags`),
    name,
    kind: kind as SpanKind,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: plainAttributes(s.attributes, `${path}.attributes`),
    droppedAttributesCount: 0,
    events,
    droppedEventsCount: 0,
    links,
    droppedLinksCount: 0,
    status: { code: statusCode as StatusCode, message: status ? asString(status.message, `${path}.status.message`) : '' },
    resource,
    scope: scopeOf(asObject(s.scope, `${path}.scope`), `${path}.scope`, scopes),
  });
}

function readEvent(value: unknown, path: string): SpanEvent {
  const e = asObject(value, path) ?? {};
  return {
    timeUnixNano: asInt64(e.time_unix_nano, `${path}.time_unix_nano`),
    name: asString(e.name, `${path}.name`),
    attributes: plainAttributes(e.attributes, `${path}.attributes`),
    droppedAttributesCount: 0,
  };
}

function readLink(value: unknown, path: string): SpanLink {
  const l = asObject(value, path) ?? {};
  return {
    traceId: asHexId(l.trace_id, `${path}.trace_id`) ?? '',
    spanId: asHexId(l.span_id, `${path}.span_id`) ?? '',
    traceState: '',
    attributes: plainAttributes(l.attributes, `${path}.attributes`),
    droppedAttributesCount: 0,
    flags: 0,
  };
}

/** One scope object per name and version, shared by its spans. */
function scopeOf(
  value: { readonly [key: string]: unknown } | null,
  path: string,
  scopes: Map<string, InstrumentationScope>,
): InstrumentationScope {
  const name = value ? asString(value.name, `${path}.name`) : '';
  const version = value ? asString(value.version, `${path}.version`) : '';
  const key = `${name}\u0000${version}`;
  let scope = scopes.get(key);
  if (!scope) scopes.set(key, (scope = { name, version, attributes: EMPTY_ATTRIBUTES, droppedAttributesCount: 0, schemaUrl: '' }));
  return scope;
}

/** A plain JSON object as attributes (see `fromPlain`); values nested too deep are refused, as OTLP's are. */
function plainAttributes(value: unknown, path: string): Attributes {
  const obj = asObject(value, path);
  if (obj === null) return EMPTY_ATTRIBUTES;
  const attrs = newAttributes();
  for (const key of Object.keys(obj)) {
    const tooDeep = (): never => {
      throw new DecodeError(`${path}.${key}: nested deeper than ${MAX_VALUE_DEPTH} levels`);
    };
    attrs[key] = fromPlain(obj[key], tooDeep, 1);
  }
  return attrs;
}

/** A value as an error message shows it: JSON, cut short. */
/** A value for an error message: short, and never walked (a sender's value can nest without end). */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}
