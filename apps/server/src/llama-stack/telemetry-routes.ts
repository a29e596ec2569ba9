import type { IncomingMessage } from 'node:http';
import { type DatasetStore, MAX_PAGE_SIZE, type TraceReader } from '@sightline/storage';
import { field, MAX_API_BODY, parseJsonObject, readJsonObject, readJsonText } from '../api/json-body.js';
import { hexIdParam } from '../api/query-params.js';
import { withCursorCheck } from '../api/trace-routes.js';
import { streamSpanMap, streamSpanTree } from '../api/trace-stream.js';
import { badRequest } from '../http/http-error.js';
import { sendJson } from '../http/respond.js';
import type { Router } from '../http/router.js';
import type { Ingest } from '../ingest/ingest.js';
import { addLlamaStackClientRoutes } from './client-routes.js';
import { addDatasetRoutes } from './dataset-routes.js';
import { llamaSpan, parseLlamaOrder } from './llama-span.js';
import { parseLogEvent } from './log-event.js';
import type { OpenSpans } from './open-spans.js';
import { llamaTrace, parseFilters, parseKeys, requestedTree } from './telemetry-request.js';

/**
 * Llama Stack's telemetry API, same request and response shapes, in three families:
 * - `/alpha/telemetry/query-traces`, `get-span-tree`, `log-event` (Llama Stack's own paths):
 *   traces as a bare list; a span tree as one span nesting its `children`.
 * - `/v1/telemetry/…`, the same three: traces under `data`; a tree as a flat map
 *   `span_id → span` under `data`, parents before their children.
 * - the paths the `llama-stack-client` package calls (see {@link addLlamaStackClientRoutes}),
 *   with the datasets its "save spans to dataset" fills (see {@link addDatasetRoutes}).
 */
export function addLlamaStackRoutes(
  router: Router,
  reader: TraceReader,
  ingest: Ingest,
  openSpans: OpenSpans,
  datasets?: DatasetStore,
): void {
  const queryTraces = async (req: IncomingMessage) => {
    const body = await readJsonObject(req);
    const filters = parseFilters(body);
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
    return page.items.map(llamaTrace);
  };

  /** The tree a get-span-tree body asks for, and the attributes to show. */
  const spanTree = async (req: IncomingMessage) => {
    const body = await readJsonObject(req);
    const spanId = hexIdParam('field "span_id"', field.string(body, 'span_id', true) as string, 16);
    const keys = parseKeys(body, 'attributes_to_return');
    return { order: await requestedTree(reader, ingest.projectOf(req), spanId, body), keys };
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
  // The llama-stack-client package's path for the same query.
  for (const path of ['/v1/telemetry/query-traces', '/v1/telemetry/traces']) {
    router.add('POST', path, async ({ req, res }) => {
      sendJson(res, 200, { data: await queryTraces(req) });
    });
  }

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

  addLlamaStackClientRoutes(router, reader, ingest, datasets, logEvent);
  addDatasetRoutes(router, datasets, ingest);
}
