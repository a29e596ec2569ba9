import { nanosToIso, StatusCode } from '@sightline/core';
import {
  type AttributeFilter,
  MAX_PAGE_SIZE,
  type SpanTreeNode,
  type StoredSpan,
  type TraceOrderField,
  type TraceReader,
} from '@sightline/storage';
import { MAX_ATTRIBUTE_FILTERS } from '../api/filter-params.js';
import { field, MAX_API_BODY, parseJsonObject, readJsonObject, readJsonText } from '../api/json-body.js';
import { type Json, valueToJson } from '../api/json-values.js';
import { hexIdParam } from '../api/query-params.js';
import { withCursorCheck } from '../api/trace-routes.js';
import { badRequest, notFound } from '../http/http-error.js';
import { sendJson } from '../http/respond.js';
import type { Router } from '../http/router.js';
import type { Ingest } from '../ingest/ingest.js';
import { parseLogEvent } from './log-event.js';
import type { OpenSpans } from './open-spans.js';

const LLAMA_OPS = ['eq', 'ne', 'gt', 'lt'] as const;
const LLAMA_ORDER_FIELDS: readonly TraceOrderField[] = ['start_time', 'end_time', 'trace_id', 'duration', 'span_count', 'error_count'];

/**
 * Llama Stack's telemetry API, same request and response shapes:
 * `POST /v1/telemetry/query-traces`, `/v1/telemetry/get-span-tree`, `/v1/telemetry/log-event`.
 */
export function addLlamaStackRoutes(router: Router, reader: TraceReader, ingest: Ingest, openSpans: OpenSpans): void {
  router.add('POST', '/v1/telemetry/query-traces', async ({ req, res }) => {
    const body = await readJsonObject(req);
    const conditions = field.array(body, 'attribute_filters') ?? [];
    if (conditions.length > MAX_ATTRIBUTE_FILTERS)
      throw badRequest(`field "attribute_filters": at most ${MAX_ATTRIBUTE_FILTERS} filters per request, got ${conditions.length}`);
    const filters = conditions.map(parseCondition);
    const orderBy = field.array(body, 'order_by') ?? [];
    if (orderBy.length > 1) throw badRequest('field "order_by": ordering by more than one field is not supported');
    const page = await withCursorCheck(() =>
      reader.findTraces({
        project: ingest.projectOf(req),
        attributes: filters,
        limit: field.integer(body, 'limit', 1, MAX_PAGE_SIZE) ?? 100,
        offset: field.integer(body, 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0,
        orderBy: orderBy.length === 1 ? parseLlamaOrder(orderBy[0]) : undefined,
      }),
    );
    sendJson(res, 200, {
      data: page.items.map((t) => ({
        trace_id: t.traceId,
        root_span_id: t.rootSpanId,
        start_time: nanosToIso(t.startTimeUnixNano),
        end_time: nanosToIso(t.endTimeUnixNano),
      })),
    });
  });

  router.add('POST', '/v1/telemetry/get-span-tree', async ({ req, res }) => {
    const body = await readJsonObject(req);
    const rawId = field.string(body, 'span_id', true) as string;
    const spanId = hexIdParam('field "span_id"', rawId, 16);
    const maxDepth = field.integer(body, 'max_depth', 1, 10_000);
    const keys = field.array(body, 'attributes_to_return')?.map((k, i) => {
      if (typeof k !== 'string') throw badRequest(`field "attributes_to_return[${i}]" must be a string`);
      return k;
    });
    const tree = await reader.getSpanTree({
      project: ingest.projectOf(req),
      spanId,
      // Llama Stack counts the span itself as depth 1.
      maxDepth: maxDepth === undefined ? undefined : maxDepth - 1,
      attributeKeys: keys,
    });
    if (!tree) throw notFound(`span ${spanId} not found`);
    const data: Record<string, Json> = {};
    flatten(tree, keys, data);
    sendJson(res, 200, { data });
  });

  router.add('POST', '/v1/telemetry/log-event', async ({ req, res }) => {
    const text = await readJsonText(req, MAX_API_BODY);
    const { event, ttlSeconds } = parseLogEvent(parseJsonObject(text));
    const failure = await openSpans.apply(ingest.projectOf(req), event, ttlSeconds, text.length);
    if (failure) throw failure;
    sendJson(res, 200, 'null');
  });
}

function parseCondition(value: unknown, i: number): AttributeFilter {
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
function parseLlamaOrder(value: unknown) {
  if (typeof value !== 'string') throw badRequest('field "order_by" must be a list of strings');
  const desc = value.startsWith('-');
  const name = desc ? value.slice(1) : value;
  if (!(LLAMA_ORDER_FIELDS as readonly string[]).includes(name))
    throw badRequest(`field "order_by": cannot order by "${name}"; use one of ${LLAMA_ORDER_FIELDS.join(', ')}`);
  return { field: name as TraceOrderField, direction: desc ? ('desc' as const) : ('asc' as const) };
}

/**
 * Llama Stack's tree shape: a flat map span_id → span with status "ok" | "error", parents
 * before their children (depth first, children by start time). Walks with an explicit stack:
 * a trace's depth is up to its sender, and recursion overflows a few thousand levels down.
 */
function flatten(root: SpanTreeNode, keys: readonly string[] | undefined, out: Record<string, Json>): void {
  const stack: SpanTreeNode[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    out[node.span.spanId] = llamaSpan(node.span, keys);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as SpanTreeNode);
  }
}

function llamaSpan(s: StoredSpan, keys: readonly string[] | undefined): Json {
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
