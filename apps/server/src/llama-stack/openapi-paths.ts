import { MAX_ATTRIBUTE_FILTERS } from '../api/filter-params.js';
import { attributes, errorResponse, hexId, json, jsonBody, ref, time } from '../api/openapi-parts.js';
import { MAX_DATASET_NAME } from './dataset-rows.js';
import { MAX_ATTRIBUTE_KEYS } from './telemetry-request.js';

const keys = { type: 'array', items: { type: 'string' }, maxItems: MAX_ATTRIBUTE_KEYS };
const filters = { type: 'array', items: ref('QueryCondition'), maxItems: MAX_ATTRIBUTE_FILTERS };
const maxDepth = { type: 'integer', minimum: 1, description: 'The root of each tree is depth 1' };
const pathId = (name: string, chars: number) => ({ name, in: 'path', required: true, schema: hexId(chars) });
const none = json({ type: 'null' });

/** Llama Stack's request bodies, the same under /alpha and /v1. */
export const LLAMA_QUERY_TRACES = jsonBody({
  type: 'object',
  properties: {
    attribute_filters: { type: 'array', items: ref('QueryCondition'), maxItems: MAX_ATTRIBUTE_FILTERS },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    offset: { type: 'integer', minimum: 0, default: 0 },
    order_by: { type: 'array', items: { type: 'string' }, maxItems: 1, description: 'e.g. ["-start_time"]' },
  },
});
export const LLAMA_SPAN_TREE = jsonBody({
  type: 'object',
  required: ['span_id'],
  properties: {
    span_id: hexId(16),
    attributes_to_return: { type: 'array', items: { type: 'string' } },
    max_depth: { type: 'integer', minimum: 1, description: 'The span itself is depth 1' },
  },
});
export const LLAMA_LOG_EVENT = jsonBody({
  type: 'object',
  required: ['event'],
  properties: { event: ref('LlamaEvent'), ttl_seconds: { type: 'integer', minimum: 1, default: 604800 } },
});

/** The OpenAPI paths of the routes the `llama-stack-client` package calls, and of the datasets they fill. */
export const llamaClientPaths = {
  '/v1/telemetry/traces': {
    post: {
      summary: 'Llama Stack (llama-stack-client): query traces',
      operationId: 'llamaClientQueryTraces',
      description: 'The same as POST /v1/telemetry/query-traces.',
      requestBody: LLAMA_QUERY_TRACES,
      responses: {
        '200': json({ type: 'object', properties: { data: { type: 'array', items: ref('LlamaTrace') } } }),
        '400': errorResponse('Malformed body'),
      },
    },
  },
  '/v1/telemetry/traces/{trace_id}': {
    get: {
      summary: 'Llama Stack (llama-stack-client): a trace',
      operationId: 'llamaClientGetTrace',
      parameters: [pathId('trace_id', 32)],
      responses: { '200': json(ref('LlamaTrace')), '400': errorResponse('Malformed id'), '404': errorResponse('No such trace') },
    },
  },
  '/v1/telemetry/traces/{trace_id}/spans/{span_id}': {
    get: {
      summary: 'Llama Stack (llama-stack-client): a span of a trace, with all its attributes',
      operationId: 'llamaClientGetSpan',
      parameters: [pathId('trace_id', 32), pathId('span_id', 16)],
      responses: {
        '200': json(ref('LlamaSpan')),
        '400': errorResponse('Malformed id'),
        '404': errorResponse('No such span in that trace'),
      },
    },
  },
  '/v1/telemetry/spans/{span_id}/tree': {
    post: {
      summary: 'Llama Stack (llama-stack-client): a span and its descendants, as a flat map',
      operationId: 'llamaClientGetSpanTree',
      description: 'The same as POST /v1/telemetry/get-span-tree, with the span id in the path.',
      parameters: [pathId('span_id', 16)],
      requestBody: jsonBody({ type: 'object', properties: { attributes_to_return: keys, max_depth: maxDepth } }),
      responses: {
        '200': json({ type: 'object', properties: { data: { type: 'object', additionalProperties: ref('LlamaSpanWithStatus') } } }),
        '400': errorResponse('Malformed body'),
        '404': errorResponse('No such span'),
      },
    },
  },
  '/v1/telemetry/spans': {
    post: {
      summary: 'Llama Stack (llama-stack-client): query spans',
      operationId: 'llamaClientQuerySpans',
      description:
        'Of every trace matching the filters (newest first), the spans of the tree under its root down to max_depth, depth first, that have every attribute of attributes_to_return (not null); each shows only those attributes. Streamed, whatever the number of traces.',
      requestBody: jsonBody({
        type: 'object',
        required: ['attribute_filters', 'attributes_to_return'],
        properties: { attribute_filters: filters, attributes_to_return: keys, max_depth: maxDepth },
      }),
      responses: {
        '200': json({ type: 'object', properties: { data: { type: 'array', items: ref('LlamaSpan') } } }),
        '400': errorResponse('Malformed body'),
      },
    },
  },
  '/v1/telemetry/events': {
    post: {
      summary: 'Llama Stack (llama-stack-client): log an event',
      operationId: 'llamaClientLogEvent',
      description: 'The same as POST /v1/telemetry/log-event.',
      requestBody: LLAMA_LOG_EVENT,
      responses: { '200': none, '400': errorResponse('Malformed event') },
    },
  },
  '/v1/telemetry/spans/export': {
    post: {
      summary: 'Llama Stack (llama-stack-client): save spans to a dataset',
      operationId: 'llamaClientSaveSpansToDataset',
      description:
        'Appends the spans POST /v1/telemetry/spans would answer (with attributes_to_save as attributes_to_return) to the dataset named dataset_id, one row per span: {trace_id, span_id, parent_span_id, name, start_time, end_time, <each attribute to save>}. Read them back with GET /api/datasets/{name}.',
      requestBody: jsonBody({
        type: 'object',
        required: ['attribute_filters', 'attributes_to_save', 'dataset_id'],
        properties: {
          attribute_filters: filters,
          attributes_to_save: keys,
          dataset_id: { type: 'string', minLength: 1, maxLength: MAX_DATASET_NAME, pattern: '^[^/\\u0000-\\u001f\\u007f]+$' },
          max_depth: maxDepth,
        },
      }),
      responses: { '200': none, '400': errorResponse('Malformed body'), '501': errorResponse('This store keeps no datasets') },
    },
  },
  '/api/datasets': {
    get: {
      summary: 'Datasets: each name and how many rows it holds',
      operationId: 'listDatasets',
      responses: {
        '200': json({
          type: 'object',
          properties: {
            data: {
              type: 'array',
              items: { type: 'object', properties: { name: { type: 'string' }, row_count: { type: 'integer', minimum: 1 } } },
            },
          },
        }),
        '501': errorResponse('This store keeps no datasets'),
      },
    },
  },
  '/api/datasets/{name}': {
    get: {
      summary: "A dataset's rows as JSON lines, in the order saved",
      operationId: 'getDataset',
      parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': {
          description: 'One JSON object per line',
          content: { 'application/x-ndjson': { schema: { type: 'object', additionalProperties: true } } },
        },
        '400': errorResponse('Malformed name'),
        '404': errorResponse('No such dataset'),
        '501': errorResponse('This store keeps no datasets'),
      },
    },
  },
};

/** The schemas only {@link llamaClientPaths} use. */
export const llamaClientSchemas = {
  LlamaSpan: {
    type: 'object',
    properties: {
      span_id: hexId(16),
      trace_id: hexId(32),
      parent_span_id: { oneOf: [hexId(16), { type: 'null' }] },
      name: { type: 'string' },
      start_time: time,
      end_time: time,
      attributes,
    },
  },
};
