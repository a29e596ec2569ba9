import { InvalidCursorError, type TraceReader } from '@sightline/storage';
import { badRequest, notFound } from '../http/http-error.js';
import { sendJson } from '../http/respond.js';
import type { Router } from '../http/router.js';
import type { Ingest } from '../ingest/ingest.js';
import { streamOutline } from './outline-json.js';
import { hexIdParam, QueryParams } from './query-params.js';
import { searchParam, withSearchCheck } from './search-param.js';
import { spanToJson, traceSummaryToJson } from './span-json.js';
import { parseTraceQuery } from './trace-query.js';
import { streamSpanTree, streamTrace, streamTraceOtlpJson } from './trace-stream.js';

/**
 * `GET /api/traces`, `GET /api/traces/{trace_id}`, `GET /api/spans/{span_id}/tree`. A trace
 * and a tree are streamed a slice of spans at a time, so a trace of 200,000 spans neither
 * holds the event loop nor the whole answer in memory.
 */
export function addTraceRoutes(router: Router, reader: TraceReader, ingest: Ingest): void {
  router.add('GET', '/api/traces', async ({ req, res, url }) => {
    const query = parseTraceQuery(url.searchParams, ingest.projectOf(req));
    const page = await withCursorCheck(() => withSearchCheck(() => reader.findTraces(query)));
    sendJson(res, 200, { data: page.items.map(traceSummaryToJson), next_cursor: page.nextCursor });
  });

  router.add('GET', '/api/traces/{trace_id}', async ({ req, res, url, params }) => {
    const p = new QueryParams(url.searchParams);
    const format = p.oneOf('format', ['otlp-json'] as const);
    p.check();
    const traceId = hexIdParam('path parameter "trace_id"', params.trace_id ?? '', 32);
    const project = ingest.projectOf(req);
    const order = await reader.getTraceLayout({ project, traceId });
    if (!order) throw notFound(`trace ${traceId} not found`);
    if (format === 'otlp-json') await streamTraceOtlpJson(res, reader, project, order);
    else await streamTrace(res, reader, project, order);
  });

  router.add('GET', '/api/traces/{trace_id}/outline', async ({ req, res, url, params }) => {
    new QueryParams(url.searchParams).check();
    const traceId = hexIdParam('path parameter "trace_id"', params.trace_id ?? '', 32);
    const outline = await reader.getTraceOutline({ project: ingest.projectOf(req), traceId });
    if (!outline) throw notFound(`trace ${traceId} not found`);
    await streamOutline(res, outline);
  });

  router.add('GET', '/api/traces/{trace_id}/search', async ({ req, res, url, params }) => {
    const p = new QueryParams(url.searchParams);
    const text = searchParam(p);
    p.check();
    if (text === undefined) throw badRequest('query parameter "q" is required');
    const traceId = hexIdParam('path parameter "trace_id"', params.trace_id ?? '', 32);
    const spanIds = await withSearchCheck(() => reader.findSpansInTrace({ project: ingest.projectOf(req), traceId, text }));
    if (!spanIds) throw notFound(`trace ${traceId} not found`);
    sendJson(res, 200, { span_ids: spanIds });
  });

  router.add('GET', '/api/traces/{trace_id}/spans/{span_id}', async ({ req, res, url, params }) => {
    new QueryParams(url.searchParams).check();
    const traceId = hexIdParam('path parameter "trace_id"', params.trace_id ?? '', 32);
    const spanId = hexIdParam('path parameter "span_id"', params.span_id ?? '', 16);
    const span = await reader.getSpan({ project: ingest.projectOf(req), traceId, spanId });
    if (!span) throw notFound(`span ${spanId} not found in trace ${traceId}`);
    sendJson(res, 200, spanToJson(span));
  });

  router.add('GET', '/api/spans/{span_id}/tree', async ({ req, res, url, params }) => {
    const p = new QueryParams(url.searchParams);
    const maxDepth = p.integer('max_depth', 0, 10_000);
    const attributes = p.string('attributes');
    p.check();
    const spanId = hexIdParam('path parameter "span_id"', params.span_id ?? '', 16);
    const project = ingest.projectOf(req);
    const attributeKeys =
      attributes === undefined
        ? undefined
        : attributes
            .split(',')
            .map((k) => k.trim())
            .filter(Boolean);
    const order = await reader.getTreeLayout({ project, spanId, maxDepth });
    if (!order) throw notFound(`span ${spanId} not found`);
    await streamSpanTree(res, reader, project, order, attributeKeys);
  });
}

/** Turns a cursor the backend refuses into a 400 naming the parameter. */
export async function withCursorCheck<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof InvalidCursorError) throw badRequest(`query parameter "cursor": ${err.message}`);
    throw err;
  }
}
