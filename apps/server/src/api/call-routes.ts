import type { CallReader } from '@sightline/storage';
import { badRequest, notFound } from '../http/http-error.js';
import { sendJson } from '../http/respond.js';
import type { Router } from '../http/router.js';
import type { Ingest } from '../ingest/ingest.js';
import { callToJson, logToJson, metricsToJson, sessionToJson } from './call-json.js';
import { parseCallQuery, parseMetricsQuery, parseSessionQuery } from './call-query.js';
import { facetsToJson, seriesToJson } from './dashboard-json.js';
import { parseFacetsQuery, parseSeriesQuery, parseSessionPage } from './dashboard-query.js';
import { hexIdParam, QueryParams } from './query-params.js';
import { withSearchCheck } from './search-param.js';
import { traceSummaryToJson } from './span-json.js';
import { withCursorCheck } from './trace-routes.js';

/**
 * `GET /api/llm-calls`, `GET /api/llm-calls/{span_id}`, `GET /api/sessions`,
 * `GET /api/sessions/{session_id}`, `GET /api/metrics`, `GET /api/metrics/series`,
 * `GET /api/facets`, `GET /api/logs`.
 */
export function addCallRoutes(router: Router, calls: CallReader, ingest: Ingest): void {
  router.add('GET', '/api/llm-calls', async ({ req, res, url }) => {
    const query = parseCallQuery(url.searchParams, ingest.projectOf(req));
    const page = await withCursorCheck(() => withSearchCheck(() => calls.findCalls(query)));
    sendJson(res, 200, { data: page.items.map(callToJson), next_cursor: page.nextCursor });
  });

  router.add('GET', '/api/llm-calls/{span_id}', async ({ req, res, url, params }) => {
    new QueryParams(url.searchParams).check();
    const spanId = hexIdParam('path parameter "span_id"', params.span_id ?? '', 16);
    const call = await calls.getCall({ project: ingest.projectOf(req), spanId });
    if (!call) throw notFound(`no LLM call on span ${spanId}`);
    sendJson(res, 200, callToJson(call));
  });

  router.add('GET', '/api/sessions', async ({ req, res, url }) => {
    const query = parseSessionQuery(url.searchParams, ingest.projectOf(req));
    const page = await withCursorCheck(() => calls.findSessions(query));
    sendJson(res, 200, { data: page.items.map(sessionToJson), next_cursor: page.nextCursor });
  });

  router.add('GET', '/api/sessions/{session_id}', async ({ req, res, url, params }) => {
    const sessionId = params.session_id ?? '';
    const query = parseSessionPage(url.searchParams, ingest.projectOf(req), sessionId);
    const detail = await withCursorCheck(() => calls.getSession(query));
    if (!detail) throw notFound(`session "${sessionId}" not found`);
    sendJson(res, 200, {
      session: sessionToJson(detail.summary),
      traces: detail.traces.map(traceSummaryToJson),
      calls: detail.calls.map(callToJson),
      next_cursor: detail.nextCursor,
    });
  });

  router.add('GET', '/api/metrics', async ({ req, res, url }) => {
    const query = parseMetricsQuery(url.searchParams, ingest.projectOf(req));
    sendJson(res, 200, metricsToJson(await calls.metrics(query), query.groupBy));
  });

  router.add('GET', '/api/metrics/series', async ({ req, res, url }) => {
    const query = parseSeriesQuery(url.searchParams, ingest.projectOf(req));
    sendJson(res, 200, seriesToJson(await calls.metricsSeries(query), query));
  });

  router.add('GET', '/api/facets', async ({ req, res, url }) => {
    const query = parseFacetsQuery(url.searchParams, ingest.projectOf(req));
    sendJson(res, 200, facetsToJson(await calls.facets(query), query));
  });

  router.add('GET', '/api/logs', async ({ req, res, url }) => {
    const p = new QueryParams(url.searchParams);
    const traceText = p.string('trace_id');
    const spanText = p.string('span_id');
    const limit = p.integer('limit', 1, 1000) ?? 1000;
    p.check();
    if (traceText === undefined) throw badRequest('query parameter "trace_id" is required');
    const traceId = hexIdParam('query parameter "trace_id"', traceText, 32);
    const spanId = spanText === undefined ? undefined : hexIdParam('query parameter "span_id"', spanText, 16);
    const logs = await calls.findLogs({ project: ingest.projectOf(req), traceId, spanId, limit });
    sendJson(res, 200, { data: logs.map(logToJson), next_cursor: null });
  });
}
