import type { IncomingMessage } from 'node:http';
import { nanosToIso } from '@sightline/core';
import { MAX_PAGE_SIZE, type TraceReader, type TreeLayout } from '@sightline/storage';
import { MAX_ATTRIBUTE_FILTERS } from '../api/filter-params.js';
import { field, MAX_API_BODY, parseJsonObject, readJsonObject, readJsonText } from '../api/json-body.js';
import { hexIdParam } from '../api/query-params.js';
import { withCursorCheck } from '../api/trace-routes.js';
import { streamSpanMap, streamSpanTree } from '../api/trace-stream.js';
import { badRequest, notFound } from '../http/http-error.js';
import { sendJson } from '../http/respond.js';
import type { Router } from '../http/router.js';
import type { Ingest } from '../ingest/ingest.js';
import { llamaSpan, parseCondition, parseLlamaOrder } from './llama-span.js';
import { parseLogEvent } from './log-event.js';
import type { OpenSpans } from './open-spans.js';

/**
 * Llama Stack's telemetry API, same request and response shapes, in two families:
 * - `/alpha/telemetry/query-traces`, `get-span-tree`, `log-event` (Llama Stack's own paths):
 *   traces as a bare list; a span tree as one span nesting its `children`.
 * - `/v1/telemetry/…`, the same three: traces under `data`; a tree as a flat map
 *   `span_id → span` under `data`, parents before their children.
 */
export function addLlamaStackRoutes(router: Router, reader: TraceReader, ingest: Ingest, openSpans: OpenSpans): void {
  const queryTraces = async (req: IncomingMessage) => {
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
    return page.items.map((t) => ({
      trace_id: t.traceId,
      root_span_id: t.rootSpanId,
      start_time: nanosToIso(t.startTimeUnixNano),
      end_time: nanosToIso(t.endTimeUnixNano),
    }));
  };

  /** The tree a get-span-tree body asks for, and the attributes to show. */
  const spanTree = async (req: IncomingMessage): Promise<{ order: TreeLayout; keys: string[] | undefined }> => {
    const body = await readJsonObject(req);
    const rawId = field.string(body, 'span_id', true) as string;
    const spanId = hexIdParam('field "span_id"', rawId, 16);
    const maxDepth = field.integer(body, 'max_depth', 1, 10_000);
    const keys = field.array(body, 'attributes_to_return')?.map((k, i) => {
      if (typeof k !== 'string') throw badRequest(`field "attributes_to_return[${i}]" must be a string`);
      return k;
    });
    // Llama Stack counts the span itself as depth 1.
    const order = await reader.getTreeLayout({
      project: ingest.projectOf(req),
      spanId,
      maxDepth: maxDepth === undefined ? undefined : maxDepth - 1,
    });
    if (!order) throw notFound(`span ${spanId} not found`);
    return { order, keys };
  };

  const logEvent = async (req: IncomingMessage) => {
    const text = await readJsonText(req, MAX_API_BODY);
    const { event, ttlSeconds } = parseLogEvent(parseJsonObject(text));
    const failure = await openSpans.apply(ingest.projectOf(req), event, ttlSeconds, text.length);
    if (failure) throw failure;
  };

  router.add('POST', '/alpha/telemetry/query-traces', async ({ req, res }) => {
    sendJson(res, 200, await queryTraces(req));
  });
  router.add('POST', '/v1/telemetry/query-traces', async ({ req, res }) => {
    sendJson(res, 200, { data: await queryTraces(req) });
  });

  router.add('POST', '/alpha/telemetry/get-span-tree', async ({ req, res }) => {
    const { order, keys } = await spanTree(req);
    await streamSpanTree(res, reader, ingest.projectOf(req), order, undefined, (s) => llamaSpan(s, keys));
  });
  router.add('POST', '/v1/telemetry/get-span-tree', async ({ req, res }) => {
    const { order, keys } = await spanTree(req);
    await streamSpanMap(res, reader, ingest.projectOf(req), order, (s) => llamaSpan(s, keys));
  });

  for (const path of ['/alpha/telemetry/log-event', '/v1/telemetry/log-event']) {
    router.add('POST', path, async ({ req, res }) => {
      await logEvent(req);
      sendJson(res, 200, 'null');
    });
  }
}
