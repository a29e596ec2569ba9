/**
 * The OpenAPI 3.1 description of the HTTP API, served at `GET /api/openapi.json`. A test
 * checks that its paths and methods are exactly the routes the server registers.
 */

import {
  LLAMA_LOG_EVENT,
  LLAMA_QUERY_TRACES,
  LLAMA_SPAN_TREE,
  llamaClientPaths,
  llamaClientSchemas,
} from '../llama-stack/openapi-paths.js';
import { MAX_ATTRIBUTE_FILTERS } from './filter-params.js';
import { accessPaths, deletePaths } from './openapi-access.js';
import { livePaths } from './openapi-live.js';
import { llmPaths, llmSchemas } from './openapi-llm.js';
import { otelMetricPaths, otelMetricSchemas } from './openapi-otel-metrics.js';
import { attributes, errorResponse, hexId, json, otlpExport, page, pageParams, query, ref, time } from './openapi-parts.js';
import { MAX_DURATION_MS } from './query-params.js';
import { MAX_SEARCH_CHARS, SEARCH_DESCRIPTION } from './search-param.js';

/** `paths` with `more`'s operations added to the paths both name. */
function withOperations<P extends Record<string, object>>(paths: P, more: Record<string, object>): P {
  const merged: Record<string, object> = { ...paths };
  for (const [path, ops] of Object.entries(more)) merged[path] = { ...merged[path], ...ops };
  return merged as P;
}

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Sightline API',
    version: '0.1.0',
    description:
      'Query traces, LLM calls, sessions and metrics stored by Sightline, send OTLP data, and use the Llama Stack compatible telemetry routes. JSON field names are snake_case; times are ISO-8601 with nanoseconds; ids are lowercase hex. Errors are {"error": {"code", "message"}}. Keys: send "Authorization: Bearer <key>" (Basic with the key as password works too; gRPC takes the authorization metadata). A project\'s key reads and writes that project only; an admin key picks the project with the X-Sightline-Project header or ?project=. Keys are required when the server listens beyond loopback (--auth auto) or with --auth on; where they are required, requests without one get 401. An id of another project\'s data is 404, as one that does not exist.',
  },
  security: [{ apiKey: [] }, { uiSession: [] }, {}],
  paths: withOperations(
    {
      '/healthz': {
        get: { summary: 'Liveness and basic counters', operationId: 'health', responses: { '200': json(ref('Health')) } },
      },
      '/api/openapi.json': {
        get: { summary: 'This document', operationId: 'openapi', responses: { '200': json({ type: 'object' }) } },
      },
      '/api/traces': {
        get: {
          summary: 'List traces, newest first',
          operationId: 'listTraces',
          description: `Span-level conditions (service, name, status, attr.*, resource.*, q) must all hold on one span of the trace. Attribute filters are query parameters named attr.<key> (span attribute) or resource.<key> (resource attribute) with value <op>:<value>, exists, or a bare value (eq). Operators: eq, ne, gt, lt, gte, lte, contains, exists. At most ${MAX_ATTRIBUTE_FILTERS} attribute filters per request; times from 1970 to 2262-04-11.`,
          parameters: [
            query('start', 'Traces starting at or after: ISO-8601, or a duration before now (15m, 2h, 7d)'),
            query('end', 'Traces starting before: ISO-8601, or a duration before now'),
            query('service', 'A span of this service.name'),
            query('name', 'A span with this name'),
            query('status', 'A span with this status', { type: 'string', enum: ['unset', 'ok', 'error'] }),
            query('min_duration_ms', 'Trace lasts at least', { type: 'number', minimum: 0, maximum: MAX_DURATION_MS }),
            query('max_duration_ms', 'Trace lasts at most', { type: 'number', minimum: 0, maximum: MAX_DURATION_MS }),
            query('session_id', 'Traces of this session'),
            query('user_id', 'Traces of this user'),
            query('model', 'Traces with an LLM call of this requested or served model'),
            query('provider', 'Traces with an LLM call of this provider'),
            query('q', SEARCH_DESCRIPTION, { type: 'string', maxLength: MAX_SEARCH_CHARS }),
            query(
              'order_by',
              'start_time | end_time | duration | span_count | error_count | trace_id | llm_call_count | total_tokens | cost, with :asc or :desc (default desc)',
            ),
            ...pageParams,
          ],
          responses: {
            '200': page('TraceSummary'),
            '400': errorResponse('A query parameter is malformed; the message names it'),
          },
        },
      },
      '/api/traces/{trace_id}': {
        get: {
          summary: 'One trace with all its spans',
          operationId: 'getTrace',
          description:
            'With format=otlp-json, the trace as an OTLP/JSON ExportTraceServiceRequest instead (every value with its type), which POST /v1/traces takes back: what `sightline export` writes, one per line.',
          parameters: [
            { name: 'trace_id', in: 'path', required: true, schema: hexId(32) },
            query('format', 'otlp-json: the trace as an OTLP/JSON export request', { type: 'string', enum: ['otlp-json'] }),
          ],
          responses: {
            '200': json({
              type: 'object',
              required: ['trace', 'spans'],
              properties: { trace: ref('TraceSummary'), spans: { type: 'array', items: ref('Span') } },
            }),
            '400': errorResponse('trace_id is not 32 hex characters'),
            '404': errorResponse('No such trace'),
          },
        },
      },
      '/api/traces/{trace_id}/outline': {
        get: {
          summary:
            "A trace's skeleton for drawing its tree and timeline: every span's place, name, kind, times, status and LLM call summary, no content",
          operationId: 'getTraceOutline',
          description:
            'Columnar: span i is index i of each array of `spans`, spans in start order. `parent` and `call` are indexes (-1: none); `name`, `service`, `model`, `provider` index `strings` (-1: unknown); `kind` (0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer) and `status` (0 unset, 1 ok, 2 error) are OTLP numbers; `start_ms` counts from the trace start. Unknown numbers are null. Streamed; a 100,000-span trace is a few MB.',
          parameters: [{ name: 'trace_id', in: 'path', required: true, schema: hexId(32) }],
          responses: {
            '200': json({
              type: 'object',
              required: ['trace', 'spans', 'calls', 'strings', 'start_time'],
              properties: {
                trace: ref('TraceSummary'),
                start_time: { type: 'string', format: 'date-time' },
                spans: {
                  type: 'object',
                  properties: Object.fromEntries(
                    ['span_id', 'parent', 'name', 'service', 'kind', 'status', 'start_ms', 'duration_ms', 'call'].map((k) => [
                      k,
                      { type: 'array' },
                    ]),
                  ),
                },
                calls: {
                  type: 'object',
                  properties: Object.fromEntries(
                    [
                      'model',
                      'provider',
                      'input_tokens',
                      'output_tokens',
                      'cache_read_tokens',
                      'cost_usd',
                      'ttft_ms',
                      'counted',
                      'is_error',
                    ].map((k) => [k, { type: 'array' }]),
                  ),
                },
                strings: { type: 'array', items: { type: 'string' } },
              },
            }),
            '400': errorResponse('trace_id is not 32 hex characters'),
            '404': errorResponse('No such trace'),
          },
        },
      },
      '/api/traces/{trace_id}/search': {
        get: {
          summary: 'The spans of one trace that hold the words of q: find a tool argument or an error message in a big trace',
          operationId: 'searchTrace',
          description:
            'Span ids, in no particular order, at most 10,000. The words are matched as on the trace list (q), except the last when q ends in it: typed as you go, it also matches as the start of a word (3 characters or more; `mom` finds `moment`, `mom ` does not).',
          parameters: [
            { name: 'trace_id', in: 'path', required: true, schema: hexId(32) },
            { ...query('q', SEARCH_DESCRIPTION, { type: 'string', maxLength: MAX_SEARCH_CHARS }), required: true },
          ],
          responses: {
            '200': json({
              type: 'object',
              required: ['span_ids'],
              properties: { span_ids: { type: 'array', items: hexId(16) } },
            }),
            '400': errorResponse('q is missing, too long or has no word, trace_id is malformed, or the server keeps no search index'),
            '404': errorResponse('No such trace'),
          },
        },
      },
      '/api/traces/{trace_id}/spans/{span_id}': {
        get: {
          summary: 'One span of a trace, with its attributes, events, links, resource and scope',
          operationId: 'getSpan',
          parameters: [
            { name: 'trace_id', in: 'path', required: true, schema: hexId(32) },
            { name: 'span_id', in: 'path', required: true, schema: hexId(16) },
          ],
          responses: { '200': json(ref('Span')), '400': errorResponse('Malformed id'), '404': errorResponse('No such span in this trace') },
        },
      },
      '/api/spans/{span_id}/tree': {
        get: {
          summary: 'A span with its descendants, nested',
          operationId: 'getSpanTree',
          parameters: [
            { name: 'span_id', in: 'path', required: true, schema: hexId(16) },
            query('max_depth', 'Levels of descendants: 0 is the span alone, 1 adds its children (default: all)', {
              type: 'integer',
              minimum: 0,
            }),
            query('attributes', 'Comma-separated attribute keys to return (default: all)'),
          ],
          responses: {
            '200': json(ref('SpanTreeNode')),
            '400': errorResponse('Malformed parameter'),
            '404': errorResponse('No such span'),
          },
        },
      },
      '/v1/traces': otlpExport({
        summary: 'OTLP/HTTP trace export',
        operationId: 'otlpExportTraces',
        description:
          'An ExportTraceServiceRequest as application/x-protobuf or application/json, optionally Content-Encoding: gzip, at most 20 MiB decompressed. Answered after the spans are committed. Errors are google.rpc.Status in the request encoding.',
        accepted: 'Accepted; partial_success reports rejected spans',
        response: 'ExportResponse',
      }),
      '/api/public/otel/v1/traces': otlpExport({
        summary: "OTLP/HTTP trace export at the Langfuse SDKs' path",
        operationId: 'otlpExportTracesLangfuse',
        description:
          'The same as POST /v1/traces, at the path where the Langfuse SDKs export (set their host to this server). Their Authorization: Basic public_key:secret_key credentials carry the Sightline key as the secret (the public key may be anything, conventionally the project name).',
        accepted: 'Accepted; partial_success reports rejected spans',
        response: 'ExportResponse',
      }),
      ...llmPaths,
      ...livePaths,
      ...accessPaths,
      ...otelMetricPaths,
      '/alpha/telemetry/query-traces': {
        post: {
          summary: 'Llama Stack (its own path): query traces, answered as a bare list',
          operationId: 'llamaAlphaQueryTraces',
          requestBody: LLAMA_QUERY_TRACES,
          responses: { '200': json({ type: 'array', items: ref('LlamaTrace') }), '400': errorResponse('Malformed body') },
        },
      },
      '/alpha/telemetry/get-span-tree': {
        post: {
          summary: 'Llama Stack (its own path): a span nesting its descendants under `children`',
          operationId: 'llamaAlphaGetSpanTree',
          requestBody: LLAMA_SPAN_TREE,
          responses: {
            '200': json({
              allOf: [
                ref('LlamaSpanWithStatus'),
                { type: 'object', properties: { children: { type: 'array', items: { type: 'object' } } } },
              ],
            }),
            '400': errorResponse('Malformed body'),
            '404': errorResponse('No such span'),
          },
        },
      },
      '/alpha/telemetry/log-event': {
        post: {
          summary: 'Llama Stack (its own path): log an event (logs, metrics, span start and end)',
          operationId: 'llamaAlphaLogEvent',
          requestBody: LLAMA_LOG_EVENT,
          responses: { '200': json({ type: 'null' }), '400': errorResponse('Malformed event') },
        },
      },
      '/v1/telemetry/query-traces': {
        post: {
          summary: 'Llama Stack: query traces',
          operationId: 'llamaQueryTraces',
          requestBody: LLAMA_QUERY_TRACES,
          responses: {
            '200': json({ type: 'object', properties: { data: { type: 'array', items: ref('LlamaTrace') } } }),
            '400': errorResponse('Malformed body'),
          },
        },
      },
      '/v1/telemetry/get-span-tree': {
        post: {
          summary: 'Llama Stack: a span and its descendants, as a flat map',
          operationId: 'llamaGetSpanTree',
          requestBody: LLAMA_SPAN_TREE,
          responses: {
            '200': json({ type: 'object', properties: { data: { type: 'object', additionalProperties: ref('LlamaSpanWithStatus') } } }),
            '400': errorResponse('Malformed body'),
            '404': errorResponse('No such span'),
          },
        },
      },
      '/v1/telemetry/log-event': {
        post: {
          summary: 'Llama Stack: log an event (logs, metrics, span start and end)',
          operationId: 'llamaLogEvent',
          requestBody: LLAMA_LOG_EVENT,
          responses: { '200': json({ type: 'null' }), '400': errorResponse('Malformed event') },
        },
      },
      ...llamaClientPaths,
    },
    deletePaths,
  ),
  components: {
    securitySchemes: {
      apiKey: { type: 'http', scheme: 'bearer', description: 'A Sightline key (sl_…): sightline keys create --project NAME' },
      uiSession: { type: 'apiKey', in: 'cookie', name: 'sightline_session', description: 'Set by POST /api/session' },
    },
    schemas: {
      ...llmSchemas,
      ...otelMetricSchemas,
      ...llamaClientSchemas,
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
        },
      },
      Health: {
        type: 'object',
        properties: {
          status: { type: 'string', enum: ['ok', 'degraded'], description: 'degraded: see storage_problem' },
          storage: { type: 'string' },
          storage_problem: {
            type: ['string', 'null'],
            description: 'damage found in the stored data, or why the store refuses writes, and what to do',
          },
          version: { type: 'string' },
        },
      },
      TraceSummary: {
        type: 'object',
        properties: {
          trace_id: hexId(32),
          root_span_id: hexId(16),
          root_span_name: { type: 'string' },
          root_is_complete: {
            type: 'boolean',
            description: 'false while the parentless root span has not arrived (the earliest span stands in)',
          },
          service_name: { type: 'string' },
          start_time: time,
          end_time: time,
          duration_ms: { type: 'number' },
          span_count: { type: 'integer' },
          error_count: { type: 'integer' },
          llm_call_count: { type: 'integer', description: 'LLM calls in the trace, each model call once' },
          input_tokens: { type: ['integer', 'null'] },
          output_tokens: { type: ['integer', 'null'] },
          total_tokens: { type: ['integer', 'null'] },
          cost_usd: { type: ['number', 'null'], description: 'null when no call is priced' },
          session_id: { type: ['string', 'null'] },
          user_id: { type: ['string', 'null'] },
          project: { type: 'string' },
        },
      },
      Span: {
        type: 'object',
        properties: {
          trace_id: hexId(32),
          span_id: hexId(16),
          parent_span_id: { oneOf: [hexId(16), { type: 'null' }] },
          name: { type: 'string' },
          kind: { type: 'string', enum: ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] },
          service_name: { type: 'string' },
          start_time: time,
          end_time: time,
          duration_ms: { type: 'number' },
          status: { type: 'object', properties: { code: { type: 'string', enum: ['unset', 'ok', 'error'] }, message: { type: 'string' } } },
          attributes,
          events: {
            type: 'array',
            items: {
              type: 'object',
              properties: { time, name: { type: 'string' }, attributes, dropped_attributes_count: { type: 'integer' } },
            },
          },
          links: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                trace_id: hexId(32),
                span_id: hexId(16),
                trace_state: { type: 'string' },
                attributes,
                dropped_attributes_count: { type: 'integer' },
                flags: { type: 'integer' },
              },
            },
          },
          resource: {
            type: 'object',
            properties: { attributes, dropped_attributes_count: { type: 'integer' }, schema_url: { type: 'string' } },
          },
          scope: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              version: { type: 'string' },
              attributes,
              dropped_attributes_count: { type: 'integer' },
              schema_url: { type: 'string' },
            },
          },
          project: { type: 'string' },
          trace_state: { type: 'string' },
          flags: { type: 'integer' },
          dropped_attributes_count: { type: 'integer' },
          dropped_events_count: { type: 'integer' },
          dropped_links_count: { type: 'integer' },
        },
      },
      SpanTreeNode: { allOf: [ref('Span'), { type: 'object', properties: { children: { type: 'array', items: ref('SpanTreeNode') } } }] },
      ExportResponse: {
        type: 'object',
        properties: {
          partialSuccess: { type: 'object', properties: { rejectedSpans: { type: 'string' }, errorMessage: { type: 'string' } } },
        },
      },
      QueryCondition: {
        type: 'object',
        required: ['key', 'op', 'value'],
        properties: {
          key: { type: 'string' },
          op: { type: 'string', enum: ['eq', 'ne', 'gt', 'lt'] },
          value: { type: ['string', 'number', 'boolean'] },
        },
      },
      LlamaTrace: { type: 'object', properties: { trace_id: hexId(32), root_span_id: hexId(16), start_time: time, end_time: time } },
      LlamaSpanWithStatus: {
        allOf: [ref('LlamaSpan'), { type: 'object', properties: { status: { type: 'string', enum: ['ok', 'error'] } } }],
      },
      LlamaEvent: {
        type: 'object',
        required: ['type', 'trace_id', 'span_id', 'timestamp'],
        properties: {
          type: { type: 'string', enum: ['unstructured_log', 'metric', 'structured_log'] },
          trace_id: { type: 'string' },
          span_id: { type: 'string' },
          timestamp: time,
          attributes: { type: 'object' },
          message: { type: 'string' },
          severity: { type: 'string', enum: ['verbose', 'debug', 'info', 'warn', 'error', 'critical'] },
          metric: { type: 'string' },
          value: { type: 'number' },
          unit: { type: 'string' },
          payload: {
            type: 'object',
            properties: {
              type: { type: 'string', enum: ['span_start', 'span_end'] },
              name: { type: 'string' },
              parent_span_id: { type: ['string', 'null'] },
              status: { type: 'string', enum: ['ok', 'error'] },
            },
          },
        },
      },
    },
  },
} as const;
