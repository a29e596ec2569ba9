import {
  type Attributes,
  decodeTypedJson,
  EMPTY_ATTRIBUTES,
  encodeTypedJson,
  type InstrumentationScope,
  type KvList,
  type Resource,
  type Span,
  type SpanKind,
  type StatusCode,
  serviceNameOf,
} from '@sightline/core';
import {
  decodeAttributes,
  decodeEvents,
  decodeLinks,
  emptyToShared,
  encodeAttributes,
  encodeEvents,
  encodeLinks,
  type StoredSpan,
  spanWords,
} from '@sightline/storage';
import { attributeColumns, prefixed } from './attribute-columns.js';

/** A row of `spans` as JSONEachRow reads and writes it (64-bit integers as strings). */
export interface SpanRow {
  project: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  name: string;
  kind: number;
  start_ns: string;
  end_ns: string;
  status_code: number;
  status_message: string;
  trace_state: string;
  flags: number;
  service: string;
  resource: string;
  scope: string;
  attributes: string;
  dropped_attributes_count: number;
  events: string;
  dropped_events_count: number;
  links: string;
  dropped_links_count: number;
  expires_at_ns: string | null;
}

export const encodeResource = (r: Resource) =>
  encodeTypedJson({ a: r.attributes, d: BigInt(r.droppedAttributesCount), s: r.schemaUrl } as unknown as KvList);
export const encodeScope = (s: InstrumentationScope) =>
  encodeTypedJson({
    n: s.name,
    v: s.version,
    a: s.attributes,
    d: BigInt(s.droppedAttributesCount),
    s: s.schemaUrl,
  } as unknown as KvList);

/** Attributes decoded within a larger value; none is the shared empty set. */
function attributesOf(value: unknown): Attributes {
  return value === undefined || value === null ? EMPTY_ATTRIBUTES : emptyToShared(value as Attributes);
}

export function decodeResource(text: string): Resource {
  const r = decodeTypedJson(text) as KvList;
  return { attributes: attributesOf(r.a), droppedAttributesCount: Number(r.d ?? 0n), schemaUrl: String(r.s ?? '') };
}

export function decodeScope(text: string): InstrumentationScope {
  const s = decodeTypedJson(text) as KvList;
  return {
    name: String(s.n ?? ''),
    version: String(s.v ?? ''),
    attributes: attributesOf(s.a),
    droppedAttributesCount: Number(s.d ?? 0n),
    schemaUrl: String(s.s ?? ''),
  };
}

/** The columns a span is read back from. */
export const SPAN_COLUMNS =
  'project, trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns, status_code, status_message, trace_state, flags, ' +
  'service, resource, scope, attributes, dropped_attributes_count, events, dropped_events_count, links, dropped_links_count, expires_at_ns';

/** The row of `span_search` for a span of `project`: what filters and free text read of it. */
export function spanSearchRow(project: string, span: Span): Record<string, unknown> {
  return {
    project,
    start_ns: String(span.startTimeUnixNano),
    trace_id: span.traceId,
    span_id: span.spanId,
    service: serviceNameOf(span.resource),
    name: span.name,
    status_code: span.status.code,
    words: [...spanWords(span)],
    ...prefixed('attr', attributeColumns(span.attributes)),
    ...prefixed('res', attributeColumns(span.resource.attributes)),
  };
}

/** The row of a span of `project`. */
export function spanToRow(project: string, span: Span, expiresAtUnixNano: bigint | null): SpanRow {
  return {
    project,
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId ?? '',
    name: span.name,
    kind: span.kind,
    start_ns: String(span.startTimeUnixNano),
    end_ns: String(span.endTimeUnixNano),
    status_code: span.status.code,
    status_message: span.status.message,
    trace_state: span.traceState,
    flags: span.flags,
    service: serviceNameOf(span.resource),
    resource: encodeResource(span.resource),
    scope: encodeScope(span.scope),
    attributes: encodeAttributes(span.attributes),
    dropped_attributes_count: span.droppedAttributesCount,
    events: encodeEvents(span.events) ?? '',
    dropped_events_count: span.droppedEventsCount,
    links: encodeLinks(span.links) ?? '',
    dropped_links_count: span.droppedLinksCount,
    expires_at_ns: expiresAtUnixNano === null ? null : String(expiresAtUnixNano),
  };
}

/** The span a row holds. */
export function rowToSpan(row: SpanRow): StoredSpan {
  return {
    project: row.project,
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id === '' ? null : row.parent_span_id,
    traceState: row.trace_state,
    flags: Number(row.flags),
    name: row.name,
    kind: Number(row.kind) as SpanKind,
    startTimeUnixNano: BigInt(row.start_ns),
    endTimeUnixNano: BigInt(row.end_ns),
    attributes: decodeAttributes(row.attributes),
    droppedAttributesCount: Number(row.dropped_attributes_count),
    events: decodeEvents(row.events === '' ? null : row.events),
    droppedEventsCount: Number(row.dropped_events_count),
    links: decodeLinks(row.links === '' ? null : row.links),
    droppedLinksCount: Number(row.dropped_links_count),
    status: { code: Number(row.status_code) as StatusCode, message: row.status_message },
    resource: decodeResource(row.resource),
    scope: decodeScope(row.scope),
  };
}
