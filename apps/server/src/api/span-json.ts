import { nanosToIso, nanosToMs, serviceNameOf } from '@sightline/core';
import type { StoredSpan, TraceSummary } from '@sightline/storage';
import { attributesToJson, type Json } from './json-values.js';

const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
const STATUS_NAMES = ['unset', 'ok', 'error'] as const;

/** A span as the API returns it (snake_case, ISO-8601 times with nanoseconds, hex ids). */
export function spanToJson(span: StoredSpan): { [key: string]: Json } {
  return {
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId,
    name: span.name,
    kind: KIND_NAMES[span.kind] ?? 'unspecified',
    service_name: serviceNameOf(span.resource),
    start_time: nanosToIso(span.startTimeUnixNano),
    end_time: nanosToIso(span.endTimeUnixNano),
    duration_ms: nanosToMs(span.endTimeUnixNano - span.startTimeUnixNano),
    status: { code: STATUS_NAMES[span.status.code] ?? 'unset', message: span.status.message },
    attributes: attributesToJson(span.attributes),
    events: span.events.map((e) => ({
      time: nanosToIso(e.timeUnixNano),
      name: e.name,
      attributes: attributesToJson(e.attributes),
      dropped_attributes_count: e.droppedAttributesCount,
    })),
    links: span.links.map((l) => ({
      trace_id: l.traceId,
      span_id: l.spanId,
      trace_state: l.traceState,
      attributes: attributesToJson(l.attributes),
      dropped_attributes_count: l.droppedAttributesCount,
      flags: l.flags,
    })),
    resource: {
      attributes: attributesToJson(span.resource.attributes),
      dropped_attributes_count: span.resource.droppedAttributesCount,
      schema_url: span.resource.schemaUrl,
    },
    scope: {
      name: span.scope.name,
      version: span.scope.version,
      attributes: attributesToJson(span.scope.attributes),
      dropped_attributes_count: span.scope.droppedAttributesCount,
      schema_url: span.scope.schemaUrl,
    },
    project: span.project,
    trace_state: span.traceState,
    flags: span.flags,
    dropped_attributes_count: span.droppedAttributesCount,
    dropped_events_count: span.droppedEventsCount,
    dropped_links_count: span.droppedLinksCount,
  };
}

export function traceSummaryToJson(t: TraceSummary): { [key: string]: Json } {
  return {
    trace_id: t.traceId,
    root_span_id: t.rootSpanId,
    root_span_name: t.rootSpanName,
    root_is_complete: t.rootIsComplete,
    service_name: t.serviceName,
    start_time: nanosToIso(t.startTimeUnixNano),
    end_time: nanosToIso(t.endTimeUnixNano),
    duration_ms: nanosToMs(t.endTimeUnixNano - t.startTimeUnixNano),
    span_count: t.spanCount,
    error_count: t.errorCount,
    llm_call_count: t.llmCallCount,
    input_tokens: t.inputTokens,
    output_tokens: t.outputTokens,
    total_tokens: t.totalTokens,
    cost_usd: t.costUsd,
    session_id: t.sessionId,
    user_id: t.userId,
    project: t.project,
  };
}
