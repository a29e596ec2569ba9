import { nanosToIso, StatusCode } from '@sightline/core';
import type { AttributeFilter, StoredSpan, TraceOrderField } from '@sightline/storage';
import { type Json, valueToJson } from '../api/json-values.js';
import { badRequest } from '../http/http-error.js';

const LLAMA_OPS = ['eq', 'ne', 'gt', 'lt'] as const;
const LLAMA_ORDER_FIELDS: readonly TraceOrderField[] = ['start_time', 'end_time', 'trace_id', 'duration', 'span_count', 'error_count'];

/** One of Llama Stack's `attribute_filters`: `{key, op, value}`. */
export function parseCondition(value: unknown, i: number): AttributeFilter {
  const where = `attribute_filters[${i}]`;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw badRequest(`field "${where}" must be an object {key, op, value}`);
  const c = value as Record<string, unknown>;
  if (typeof c.key !== 'string' || c.key === '') throw badRequest(`field "${where}.key" must be a non-empty string`);
  if (!(LLAMA_OPS as readonly unknown[]).includes(c.op)) throw badRequest(`field "${where}.op" must be one of ${LLAMA_OPS.join(', ')}`);
  if (typeof c.value !== 'string' && typeof c.value !== 'number' && typeof c.value !== 'boolean') {
    throw badRequest(`field "${where}.value" must be a string, number or boolean`);
  }
  return { target: 'span', key: c.key, op: c.op as (typeof LLAMA_OPS)[number], value: c.value };
}

/** `"start_time"` (ascending) or `"-start_time"` (descending), as Llama Stack spells it. */
export function parseLlamaOrder(value: unknown) {
  if (typeof value !== 'string') throw badRequest('field "order_by" must be a list of strings');
  const desc = value.startsWith('-');
  const name = desc ? value.slice(1) : value;
  if (!(LLAMA_ORDER_FIELDS as readonly string[]).includes(name))
    throw badRequest(`field "order_by": cannot order by "${name}"; use one of ${LLAMA_ORDER_FIELDS.join(', ')}`);
  return { field: name as TraceOrderField, direction: desc ? ('desc' as const) : ('asc' as const) };
}

/**
 * A span as Llama Stack's telemetry API shows it: status `ok` or `error`, and with `keys` only
 * those attributes (null for one the span lacks).
 */
export function llamaSpan(s: StoredSpan, keys: readonly string[] | undefined): { [key: string]: Json } {
  // No prototype, so an attribute named __proto__ stays data.
  const attributes = Object.create(null) as Record<string, Json>;
  if (keys) for (const k of keys) attributes[k] = Object.hasOwn(s.attributes, k) ? valueToJson(s.attributes[k] ?? null) : null;
  else for (const k in s.attributes) attributes[k] = valueToJson(s.attributes[k] ?? null);
  return {
    span_id: s.spanId,
    trace_id: s.traceId,
    parent_span_id: s.parentSpanId,
    name: s.name,
    start_time: nanosToIso(s.startTimeUnixNano),
    end_time: nanosToIso(s.endTimeUnixNano),
    attributes,
    status: s.status.code === StatusCode.ERROR ? 'error' : 'ok',
  };
}
