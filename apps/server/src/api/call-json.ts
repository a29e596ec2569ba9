import { type LlmCall, type LogRecord, type Message, nanosToIso, type Provenance, type ToolCall } from '@sightline/core';
import type { MetricsGroupBy, MetricsResult, MetricsRow, SessionSummary, StoredCall, StoredLog } from '@sightline/storage';
import { attributesToJson, type Json, valueToJson } from './json-values.js';

type JsonObject = { [key: string]: Json };

/** An LLM call as the API returns it. */
export function callToJson(c: StoredCall): JsonObject {
  return callInProjectToJson(c, c.project);
}

/** A call of `project` as the API returns it (without copying the call into a {@link StoredCall}). */
export function callInProjectToJson(c: LlmCall, project: string): JsonObject {
  return {
    trace_id: c.traceId,
    span_id: c.spanId,
    parent_span_id: c.parentSpanId,
    request_id: c.requestId,
    timestamp: nanosToIso(c.timestamp),
    service_name: c.serviceName,
    provider: c.provider,
    host_provider: c.hostProvider,
    request_model: c.requestModel,
    model: c.model,
    operation: c.operation,
    is_streaming: c.isStreaming,
    input_tokens: c.inputTokens,
    output_tokens: c.outputTokens,
    total_tokens: c.totalTokens,
    cache_read_tokens: c.cacheReadTokens,
    cache_write_tokens: c.cacheWriteTokens,
    reasoning_tokens: c.reasoningTokens,
    ttft_ms: c.ttftMs,
    duration_ms: c.durationMs,
    tpt_ms: c.tptMs,
    tokens_per_s: c.tokensPerS,
    finish_reasons: c.finishReasons ? [...c.finishReasons] : null,
    tool_call_count: c.toolCallCount,
    tool_calls: c.toolCalls ? c.toolCalls.map(toolCallToJson) : null,
    is_error: c.isError,
    error_type: c.errorType,
    status_code: c.statusCode,
    session_id: c.sessionId,
    user_id: c.userId,
    route_name: c.routeName,
    routing_strategy: c.routingStrategy,
    routing_reason: c.routingReason,
    gateway_cache: c.gatewayCache,
    input_messages: c.inputMessages ? c.inputMessages.map(messageToJson) : null,
    output_messages: c.outputMessages ? c.outputMessages.map(messageToJson) : null,
    parameters: attributesToJson(c.parameters),
    cost_usd: c.costUsd,
    cost_breakdown: c.costBreakdown
      ? {
          input: c.costBreakdown.input,
          cache_read: c.costBreakdown.cacheRead,
          cache_write: c.costBreakdown.cacheWrite,
          output: c.costBreakdown.output,
          reasoning: c.costBreakdown.reasoning,
        }
      : null,
    cost_source: c.costSource,
    source_cost_usd: c.sourceCostUsd,
    price_model: c.priceModel,
    vocabulary: c.vocabulary,
    provenance: provenanceToJson(c.provenance),
    counted: c.counted,
    duplicate_of: c.duplicateOf,
    project,
  };
}

function toolCallToJson(t: ToolCall): JsonObject {
  return { id: t.id, name: t.name, arguments: valueToJson(t.arguments) };
}

function messageToJson(m: Message): JsonObject {
  const out: JsonObject = {
    role: m.role,
    parts: m.parts.map((p) => {
      const part: JsonObject = {};
      for (const [k, v] of Object.entries(p)) part[k] = valueToJson(v as never);
      return part;
    }),
  };
  if (m.finishReason !== undefined) out.finish_reason = m.finishReason;
  return out;
}

function provenanceToJson(p: { readonly [field: string]: Provenance }): JsonObject {
  const out: JsonObject = {};
  for (const [field, { vocabulary, rule }] of Object.entries(p)) out[snake(field)] = { vocabulary, rule };
  return out;
}

/** `inputTokens` → `input_tokens`; `parameters.top_p` stays as it is after the dot. */
function snake(field: string): string {
  const dot = field.indexOf('.');
  const head = dot < 0 ? field : field.slice(0, dot);
  const rest = dot < 0 ? '' : field.slice(dot);
  return head.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) + rest;
}

export function sessionToJson(s: SessionSummary): JsonObject {
  return {
    session_id: s.sessionId,
    name: s.name,
    labels: { ...s.labels },
    first_seen: nanosToIso(s.firstSeenUnixNano),
    last_seen: nanosToIso(s.lastSeenUnixNano),
    trace_count: s.traceCount,
    call_count: s.callCount,
    error_count: s.errorCount,
    input_tokens: s.inputTokens,
    output_tokens: s.outputTokens,
    total_tokens: s.totalTokens,
    cost_usd: s.costUsd,
    users: s.users,
    project: s.project,
  };
}

export function metricsToJson(result: MetricsResult, groupBy: MetricsGroupBy | undefined): JsonObject {
  const key = (row: MetricsRow): Json =>
    (groupBy === 'hour' || groupBy === 'day') && row.key !== null ? nanosToIso(BigInt(row.key)) : row.key;
  const rowJson = (row: MetricsRow): JsonObject => ({
    key: key(row),
    calls: row.calls,
    errors: row.errors,
    error_rate: row.calls ? row.errors / row.calls : null,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    cache_read_tokens: row.cacheReadTokens,
    cache_write_tokens: row.cacheWriteTokens,
    reasoning_tokens: row.reasoningTokens,
    total_tokens: row.totalTokens,
    cost_usd: row.costUsd,
    unpriced_calls: row.unpricedCalls,
    latency_ms: { p50: row.latencyMs.p50, p95: row.latencyMs.p95, p99: row.latencyMs.p99 },
    ttft_ms: { p50: row.ttftMs.p50, p95: row.ttftMs.p95 },
    tokens_per_s: { p50: row.tokensPerS.p50 },
  });
  return { group_by: groupBy ?? null, data: result.groups.map(rowJson), total: rowJson(result.total) };
}

export function logToJson(l: StoredLog | LogRecord): JsonObject {
  return {
    time: l.timeUnixNano === 0n ? null : nanosToIso(l.timeUnixNano),
    observed_time: l.observedTimeUnixNano === 0n ? null : nanosToIso(l.observedTimeUnixNano),
    trace_id: l.traceId,
    span_id: l.spanId,
    event_name: l.eventName,
    severity_number: l.severityNumber,
    severity_text: l.severityText,
    body: valueToJson(l.body),
    attributes: attributesToJson(l.attributes),
    dropped_attributes_count: l.droppedAttributesCount,
    flags: l.flags,
    resource: { attributes: attributesToJson(l.resource.attributes), schema_url: l.resource.schemaUrl },
    scope: { name: l.scope.name, version: l.scope.version },
  };
}
