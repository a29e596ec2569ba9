import { bytesToBase64 } from '../json/base64.js';
import { type AnyValue, type Attributes, type KvList, kindOf } from '../model/any-value.js';
import type { Span, SpanEvent, SpanLink } from '../model/span.js';
import { spansByResourceAndScope } from './span-groups.js';

type Json = { [key: string]: unknown };

/**
 * Canonical spans as an OTLP/JSON `ExportTraceServiceRequest` (the protobuf JSON mapping:
 * lowerCamelCase keys, hex ids, 64-bit integers as strings), which {@link decodeTracesJson} and
 * any OTLP/HTTP receiver read back field for field — integers stay integers, doubles doubles,
 * bytes bytes. Spans are grouped under one resource and scope entry per object, in the order
 * first seen; fields at their default are left out.
 */
export function encodeTracesJson(spans: readonly Span[]): Json {
  const byResource = spansByResourceAndScope(spans);
  return {
    resourceSpans: [...byResource].map(([resource, byScope]) =>
      compact({
        resource: compact({ attributes: attributes(resource.attributes), droppedAttributesCount: resource.droppedAttributesCount }),
        scopeSpans: [...byScope].map(([scope, list]) =>
          compact({
            scope: compact({
              name: scope.name,
              version: scope.version,
              attributes: attributes(scope.attributes),
              droppedAttributesCount: scope.droppedAttributesCount,
            }),
            spans: list.map(spanJson),
            schemaUrl: scope.schemaUrl,
          }),
        ),
        schemaUrl: resource.schemaUrl,
      }),
    ),
  };
}

function spanJson(s: Span): Json {
  return compact({
    traceId: s.traceId,
    spanId: s.spanId,
    traceState: s.traceState,
    parentSpanId: s.parentSpanId ?? '',
    flags: s.flags,
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: String(s.startTimeUnixNano),
    endTimeUnixNano: String(s.endTimeUnixNano),
    attributes: attributes(s.attributes),
    droppedAttributesCount: s.droppedAttributesCount,
    events: s.events.map(eventJson),
    droppedEventsCount: s.droppedEventsCount,
    links: s.links.map(linkJson),
    droppedLinksCount: s.droppedLinksCount,
    status: s.status.code || s.status.message ? compact({ code: s.status.code, message: s.status.message }) : undefined,
  });
}

function eventJson(e: SpanEvent): Json {
  return compact({
    timeUnixNano: String(e.timeUnixNano),
    name: e.name,
    attributes: attributes(e.attributes),
    droppedAttributesCount: e.droppedAttributesCount,
  });
}

function linkJson(l: SpanLink): Json {
  return compact({
    traceId: l.traceId,
    spanId: l.spanId,
    traceState: l.traceState,
    attributes: attributes(l.attributes),
    droppedAttributesCount: l.droppedAttributesCount,
    flags: l.flags,
  });
}

function attributes(a: Attributes): Json[] {
  return Object.keys(a).map((key) => ({ key, value: anyValue(a[key] as AnyValue) }));
}

function anyValue(v: AnyValue): Json {
  switch (kindOf(v)) {
    case 'string':
      return { stringValue: v };
    case 'bool':
      return { boolValue: v };
    case 'int':
      return { intValue: String(v) };
    case 'double':
      return { doubleValue: Number.isFinite(v) ? v : String(v) };
    case 'bytes':
      return { bytesValue: bytesToBase64(v as Uint8Array) };
    case 'array':
      return { arrayValue: { values: (v as AnyValue[]).map(anyValue) } };
    case 'kvlist':
      return { kvlistValue: { values: attributes(v as KvList) } };
    default:
      return {};
  }
}

/** The object without its empty, zero and undefined fields. */
function compact(o: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === '' || v === 0 || (Array.isArray(v) && v.length === 0)) continue;
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0 && k !== 'value') continue;
    out[k] = v;
  }
  return out;
}
