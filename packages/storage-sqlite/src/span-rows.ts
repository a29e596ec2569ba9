import {
  type Attributes,
  decodeTypedJson,
  EMPTY_ATTRIBUTES,
  encodeKvList,
  type InstrumentationScope,
  type KvList,
  type Resource,
  type SpanEvent,
  type SpanKind,
  type SpanLink,
  type StatusCode,
} from '@sightline/core';
import type { StoredSpan } from '@sightline/storage';
import { blobToHex } from './ids.js';

export function encodeAttributes(attributes: Attributes): string {
  return attributes === EMPTY_ATTRIBUTES ? '{}' : encodeKvList(attributes);
}

export function encodeEvents(events: readonly SpanEvent[]): string | null {
  if (events.length === 0) return null;
  let out = '[';
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as SpanEvent;
    if (i > 0) out += ',';
    out += `{"t":${e.timeUnixNano},"n":${JSON.stringify(e.name)},"a":${encodeAttributes(e.attributes)},"d":${e.droppedAttributesCount}}`;
  }
  return `${out}]`;
}

export function encodeLinks(links: readonly SpanLink[]): string | null {
  if (links.length === 0) return null;
  let out = '[';
  for (let i = 0; i < links.length; i++) {
    const l = links[i] as SpanLink;
    if (i > 0) out += ',';
    out += `{"t":"${l.traceId}","s":"${l.spanId}","ts":${JSON.stringify(l.traceState)},"a":${encodeAttributes(l.attributes)},"d":${l.droppedAttributesCount},"f":${l.flags}}`;
  }
  return `${out}]`;
}

/** A row of `SELECT spans.*` (with safe integers on), plus the trace id and project. */
export interface SpanRow {
  trace_id: Buffer;
  project: string;
  span_id: Buffer;
  parent_span_id: Buffer | null;
  name: string;
  kind: bigint;
  start_ns: bigint;
  end_ns: bigint;
  status_code: bigint;
  status_message: string;
  trace_state: string;
  flags: bigint;
  resource_id: bigint;
  scope_id: bigint;
  attributes: string;
  dropped_attributes_count: bigint;
  events: string | null;
  dropped_events_count: bigint;
  links: string | null;
  dropped_links_count: bigint;
}

export function decodeAttributes(text: string): Attributes {
  return text === '{}' ? EMPTY_ATTRIBUTES : (decodeTypedJson(text) as Attributes);
}

export function rowToSpan(row: SpanRow, resource: Resource, scope: InstrumentationScope): StoredSpan {
  return {
    project: row.project,
    traceId: blobToHex(row.trace_id),
    spanId: blobToHex(row.span_id),
    parentSpanId: row.parent_span_id === null ? null : blobToHex(row.parent_span_id),
    traceState: row.trace_state,
    flags: Number(row.flags),
    name: row.name,
    kind: Number(row.kind) as SpanKind,
    startTimeUnixNano: row.start_ns,
    endTimeUnixNano: row.end_ns,
    attributes: decodeAttributes(row.attributes),
    droppedAttributesCount: Number(row.dropped_attributes_count),
    events: row.events === null ? [] : (decodeTypedJson(row.events) as KvList[]).map(toEvent),
    droppedEventsCount: Number(row.dropped_events_count),
    links: row.links === null ? [] : (decodeTypedJson(row.links) as KvList[]).map(toLink),
    droppedLinksCount: Number(row.dropped_links_count),
    status: { code: Number(row.status_code) as StatusCode, message: row.status_message },
    resource,
    scope,
  };
}

function toEvent(e: KvList): SpanEvent {
  return {
    timeUnixNano: e.t as bigint,
    name: e.n as string,
    attributes: emptyToShared(e.a as Attributes),
    droppedAttributesCount: Number(e.d as bigint),
  };
}

function toLink(l: KvList): SpanLink {
  return {
    traceId: l.t as string,
    spanId: l.s as string,
    traceState: l.ts as string,
    attributes: emptyToShared(l.a as Attributes),
    droppedAttributesCount: Number(l.d as bigint),
    flags: Number(l.f as bigint),
  };
}

function emptyToShared(attributes: Attributes): Attributes {
  for (const _ in attributes) return attributes;
  return EMPTY_ATTRIBUTES;
}
