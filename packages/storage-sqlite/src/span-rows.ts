import type { InstrumentationScope, Resource, SpanKind, StatusCode } from '@sightline/core';
import { decodeAttributes, decodeEvents, decodeLinks, type StoredSpan } from '@sightline/storage';
import { blobToHex } from './ids.js';

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
    events: decodeEvents(row.events),
    droppedEventsCount: Number(row.dropped_events_count),
    links: decodeLinks(row.links),
    droppedLinksCount: Number(row.dropped_links_count),
    status: { code: Number(row.status_code) as StatusCode, message: row.status_message },
    resource,
    scope,
  };
}
