import type { AnyValue, Attributes } from '../model/any-value.js';
import type { InstrumentationScope, Resource, Span, SpanEvent, SpanLink } from '../model/span.js';
import { ProtoWriter } from './proto-writer.js';
import { spansByResourceAndScope } from './span-groups.js';

/**
 * Encodes canonical spans as an OTLP `ExportTraceServiceRequest` (protobuf), the body an
 * exporter POSTs to `/v1/traces`: what {@link decodeTracesProto} reads back field for field.
 * Spans are grouped under one `ResourceSpans` per resource object and one `ScopeSpans` per
 * scope object (by identity, in the order first seen), so spans that share those objects
 * share them on the wire too. Fields at their default (empty, zero) are left out.
 *
 * Example: `fetch(url + '/v1/traces', { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: encodeTracesProto(spans) })`.
 */
export function encodeTracesProto(spans: readonly Span[]): Uint8Array {
  const byResource = spansByResourceAndScope(spans);
  const request = new ProtoWriter();
  for (const [resource, byScope] of byResource) {
    const rs = new ProtoWriter().message(1, resourceMessage(resource));
    for (const [scope, list] of byScope) {
      const ss = new ProtoWriter().message(1, scopeMessage(scope));
      for (const span of list) ss.message(2, spanMessage(span));
      if (scope.schemaUrl) ss.string(3, scope.schemaUrl);
      rs.message(2, ss);
    }
    if (resource.schemaUrl) rs.string(3, resource.schemaUrl);
    request.message(1, rs);
  }
  return request.finish();
}

function resourceMessage(resource: Resource): ProtoWriter {
  const w = attributes(new ProtoWriter(), 1, resource.attributes);
  if (resource.droppedAttributesCount) w.varint(2, resource.droppedAttributesCount);
  return w;
}

function scopeMessage(scope: InstrumentationScope): ProtoWriter {
  const w = new ProtoWriter();
  if (scope.name) w.string(1, scope.name);
  if (scope.version) w.string(2, scope.version);
  attributes(w, 3, scope.attributes);
  if (scope.droppedAttributesCount) w.varint(4, scope.droppedAttributesCount);
  return w;
}

function spanMessage(span: Span): ProtoWriter {
  const w = new ProtoWriter().bytesField(1, hexBytes(span.traceId)).bytesField(2, hexBytes(span.spanId));
  if (span.traceState) w.string(3, span.traceState);
  if (span.parentSpanId) w.bytesField(4, hexBytes(span.parentSpanId));
  w.string(5, span.name);
  if (span.kind) w.varint(6, span.kind);
  w.fixed64(7, span.startTimeUnixNano).fixed64(8, span.endTimeUnixNano);
  attributes(w, 9, span.attributes);
  if (span.droppedAttributesCount) w.varint(10, span.droppedAttributesCount);
  for (const event of span.events) w.message(11, eventMessage(event));
  if (span.droppedEventsCount) w.varint(12, span.droppedEventsCount);
  for (const link of span.links) w.message(13, linkMessage(link));
  if (span.droppedLinksCount) w.varint(14, span.droppedLinksCount);
  if (span.status.code || span.status.message) {
    const status = new ProtoWriter();
    if (span.status.message) status.string(2, span.status.message);
    if (span.status.code) status.varint(3, span.status.code);
    w.message(15, status);
  }
  if (span.flags) w.fixed32(16, span.flags);
  return w;
}

function eventMessage(event: SpanEvent): ProtoWriter {
  const w = new ProtoWriter().fixed64(1, event.timeUnixNano).string(2, event.name);
  attributes(w, 3, event.attributes);
  if (event.droppedAttributesCount) w.varint(4, event.droppedAttributesCount);
  return w;
}

function linkMessage(link: SpanLink): ProtoWriter {
  const w = new ProtoWriter().bytesField(1, hexBytes(link.traceId)).bytesField(2, hexBytes(link.spanId));
  if (link.traceState) w.string(3, link.traceState);
  attributes(w, 4, link.attributes);
  if (link.droppedAttributesCount) w.varint(5, link.droppedAttributesCount);
  if (link.flags) w.fixed32(6, link.flags);
  return w;
}

/** Appends `attrs` as repeated `KeyValue` messages in field `field`. */
function attributes(w: ProtoWriter, field: number, attrs: Attributes): ProtoWriter {
  for (const key in attrs) w.message(field, new ProtoWriter().string(1, key).message(2, anyValue(attrs[key] as AnyValue)));
  return w;
}

/** An `AnyValue` message; a null value is the empty message. Oneof members are written even at their default. */
function anyValue(value: AnyValue): ProtoWriter {
  const w = new ProtoWriter();
  switch (typeof value) {
    case 'string':
      return w.string(1, value);
    case 'boolean':
      return w.varint(2, value ? 1 : 0);
    case 'bigint':
      return w.varint(3, value);
    case 'number':
      return w.double(4, value);
  }
  if (value === null) return w;
  if (value instanceof Uint8Array) return w.bytesField(7, value);
  if (Array.isArray(value)) {
    const array = new ProtoWriter();
    for (const item of value) array.message(1, anyValue(item));
    return w.message(5, array);
  }
  return w.message(6, attributes(new ProtoWriter(), 1, value));
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >>> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
