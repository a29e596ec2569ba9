import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DatasetStore, TraceReader } from '@sightline/storage';
import { field, readJsonObject } from '../api/json-body.js';
import { hexIdParam } from '../api/query-params.js';
import { streamSpanMap } from '../api/trace-stream.js';
import { HttpError, notFound } from '../http/http-error.js';
import { JsonStream } from '../http/json-stream.js';
import { sendJson } from '../http/respond.js';
import type { Router } from '../http/router.js';
import type { Ingest } from '../ingest/ingest.js';
import { datasetRow, parseDatasetName } from './dataset-rows.js';
import { llamaSpan } from './llama-span.js';
import { walkSpans } from './span-walk.js';
import { llamaTrace, parseFilters, parseKeys, parseMaxDepth, requestedTree } from './telemetry-request.js';

/** Dataset rows appended per transaction while saving spans. */
const SAVE_CHUNK = 1_000;

/**
 * The `/v1/telemetry/…` paths the `llama-stack-client` package (0.2.x) calls, with its
 * request and response shapes: traces and spans by id, span trees, span queries, events, and
 * saving spans to a dataset. Logging an event is handled by `logEvent` (shared with
 * `/v1/telemetry/log-event`).
 */
export function addLlamaStackClientRoutes(
  router: Router,
  reader: TraceReader,
  ingest: Ingest,
  datasets: DatasetStore | undefined,
  logEvent: (req: IncomingMessage) => Promise<void>,
): void {
  router.add('GET', '/v1/telemetry/traces/{trace_id}', async ({ req, res, params }) => {
    const traceId = hexIdParam('path parameter "trace_id"', params.trace_id ?? '', 32);
    const layout = await reader.getTraceLayout({ project: ingest.projectOf(req), traceId });
    if (!layout) throw notFound(`trace ${traceId} not found`);
    sendJson(res, 200, llamaTrace(layout.summary));
  });

  router.add('GET', '/v1/telemetry/traces/{trace_id}/spans/{span_id}', async ({ req, res, params }) => {
    const traceId = hexIdParam('path parameter "trace_id"', params.trace_id ?? '', 32);
    const spanId = hexIdParam('path parameter "span_id"', params.span_id ?? '', 16);
    const span = await reader.getSpan({ project: ingest.projectOf(req), traceId, spanId });
    if (!span) throw notFound(`span ${spanId} not found in trace ${traceId}`);
    sendJson(res, 200, plainSpan(llamaSpan(span, undefined)));
  });

  router.add('POST', '/v1/telemetry/spans/{span_id}/tree', async ({ req, res, params }) => {
    const spanId = hexIdParam('path parameter "span_id"', params.span_id ?? '', 16);
    const body = await readJsonObject(req);
    const keys = parseKeys(body, 'attributes_to_return');
    const project = ingest.projectOf(req);
    const layout = await requestedTree(reader, project, spanId, body);
    await streamSpanMap(res, reader, project, layout, (s) => llamaSpan(s, keys));
  });

  router.add('POST', '/v1/telemetry/spans', async ({ req, res }) => {
    const body = await readJsonObject(req);
    const filters = parseFilters(body, true);
    const keys = parseKeys(body, 'attributes_to_return', true) as string[];
    const spans = await walkSpans(reader, { project: ingest.projectOf(req), filters, maxDepth: parseMaxDepth(body), requiredKeys: keys });
    await streamList(res, spans, (s) => plainSpan(llamaSpan(s, keys)));
  });

  router.add('POST', '/v1/telemetry/events', async ({ req, res }) => {
    await logEvent(req);
    sendJson(res, 200, 'null');
  });

  router.add('POST', '/v1/telemetry/spans/export', async ({ req, res }) => {
    const body = await readJsonObject(req);
    const filters = parseFilters(body, true);
    const keys = parseKeys(body, 'attributes_to_save', true) as string[];
    const name = parseDatasetName(field.string(body, 'dataset_id', true) as string, 'field "dataset_id"');
    const store = requireDatasets(datasets);
    const project = ingest.projectOf(req);
    const spans = await walkSpans(reader, { project, filters, maxDepth: parseMaxDepth(body), requiredKeys: keys });
    let rows: string[] = [];
    for await (const slice of spans) {
      for (const span of slice) rows.push(JSON.stringify(datasetRow(span, keys)));
      if (rows.length >= SAVE_CHUNK) {
        await store.appendRows(project, name, rows);
        rows = [];
      }
    }
    await store.appendRows(project, name, rows);
    sendJson(res, 200, 'null');
  });
}

/** The store's datasets, or 501 when this backend keeps none. */
export function requireDatasets(datasets: DatasetStore | undefined): DatasetStore {
  if (!datasets) throw new HttpError(501, 'unavailable', 'this store keeps no datasets');
  return datasets;
}

/** A span as `get_span` and `query_spans` show it: Llama Stack's `Span`, without a status. */
function plainSpan(span: { [key: string]: unknown }): { [key: string]: unknown } {
  const { status: _status, ...rest } = span;
  return rest;
}

/** `{"data": [...]}`, written a slice at a time. */
async function streamList<T>(res: ServerResponse, slices: AsyncIterable<T[]>, toJson: (item: T) => unknown): Promise<void> {
  const out = new JsonStream(res);
  out.write('{"data":[');
  let first = true;
  for await (const slice of slices) {
    for (const item of slice) {
      out.write(`${first ? '' : ','}${JSON.stringify(toJson(item))}`);
      first = false;
    }
    await out.flush();
  }
  out.write(']}');
  await out.end();
}
