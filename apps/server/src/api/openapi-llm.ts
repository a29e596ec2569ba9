import { MAX_ATTRIBUTE_FILTERS } from './filter-params.js';
import { attributes, errorResponse, hexId, json, jsonBody, otlpExport, page, pageParams, query, ref, time } from './openapi-parts.js';
import { MAX_COST_USD, MAX_DURATION_MS } from './query-params.js';
import { MAX_SEARCH_CHARS, SEARCH_DESCRIPTION } from './search-param.js';

/** The LLM call, session, metrics, logs and admin parts of the OpenAPI document. */

const nullable = (type: string) => ({ type: [type, 'null'] });

export const callFilters = [
  query('start', 'Calls starting at or after: ISO-8601, or a duration before now (15m, 2h, 7d)'),
  query('end', 'Calls starting before: ISO-8601, or a duration before now'),
  query('trace_id', 'Calls of this trace', hexId(32)),
  query('provider', 'Model vendor, one spelling per vendor (openai, anthropic, gcp.gemini, aws.bedrock, …)'),
  query('model', 'Requested or served model, exactly'),
  query('operation', 'chat, text_completion, generate_content, embeddings, …'),
  query('service', 'service.name of the calling service'),
  query('session_id', 'Calls of this session (a call that names no session takes its trace’s)'),
  query('user_id', 'Calls of this user (a call that names no user takes its trace’s)'),
  query('route', 'Gateway route name'),
  query('status', 'error: failed calls; ok: the rest', { type: 'string', enum: ['error', 'ok'] }),
  query('min_cost_usd', 'Priced calls costing at least this (USD)', { type: 'number', minimum: 0, maximum: MAX_COST_USD }),
  query('min_duration_ms', 'Calls lasting at least this long (latency)', { type: 'number', minimum: 0, maximum: MAX_DURATION_MS }),
];

const attrNote = `Attribute filters on the call’s span: attr.<key>=<op>:<value> (span attribute) or resource.<key>=<op>:<value>, operators eq, ne, gt, lt, gte, lte, contains, exists; at most ${MAX_ATTRIBUTE_FILTERS} per request. Times from 1970 to 2262-04-11.`;

export const llmPaths = {
  '/v1/logs': otlpExport({
    summary: 'OTLP/HTTP logs export',
    operationId: 'otlpExportLogs',
    description:
      'An ExportLogsServiceRequest as application/x-protobuf or application/json, optionally gzipped, at most 20 MiB decompressed. GenAI content events (gen_ai.user.message, gen_ai.choice, …) are attached to their span’s LLM call.',
    accepted: 'Accepted; partial_success reports rejected log records',
    response: 'ExportLogsResponse',
  }),
  '/api/llm-calls': {
    get: {
      summary: 'List LLM calls, newest first',
      operationId: 'listLlmCalls',
      description: `Every span that is a model call, whichever vocabulary it was recorded in. ${attrNote}`,
      parameters: [
        ...callFilters,
        query(
          'q',
          `${SEARCH_DESCRIPTION} Here: calls whose span matches — the words of their prompts and completions, tool calls and other attributes; content sent as separate log records is not searched.`,
          {
            type: 'string',
            maxLength: MAX_SEARCH_CHARS,
          },
        ),
        query(
          'order_by',
          'timestamp | duration | ttft | cost | total_tokens | tokens_per_s, with :asc or :desc (default timestamp:desc); calls without the value come last either way',
        ),
        ...pageParams,
      ],
      responses: { '200': page('LlmCall'), '400': errorResponse('A query parameter is malformed; the message names it') },
    },
  },
  '/api/llm-calls/{span_id}': {
    get: {
      summary: 'The LLM call recorded by a span',
      operationId: 'getLlmCall',
      parameters: [{ name: 'span_id', in: 'path', required: true, schema: hexId(16) }],
      responses: {
        '200': json(ref('LlmCall')),
        '400': errorResponse('span_id is not 16 hex characters'),
        '404': errorResponse('No LLM call on that span'),
      },
    },
  },
  '/api/sessions': {
    get: {
      summary: 'List sessions, most recently active first',
      operationId: 'listSessions',
      parameters: [
        query('start', 'Sessions last seen at or after: ISO-8601 or a duration before now'),
        query('end', 'Sessions first seen before: ISO-8601 or a duration before now'),
        query('user_id', 'Sessions this user took part in'),
        query('label.<key>', 'Sessions with this label value, e.g. label.team=billing (at most 10)'),
        query(
          'order_by',
          'last_seen | first_seen | duration | trace_count | call_count | total_tokens | cost | error_count, with :asc or :desc (default last_seen:desc); duration runs from the first trace’s start to the last one’s end, error_count counts failed calls, and an unknown cost or token count sorts last',
        ),
        ...pageParams,
      ],
      responses: { '200': page('Session'), '400': errorResponse('A query parameter is malformed') },
    },
  },
  '/api/sessions/{session_id}': {
    get: {
      summary: 'A session as a conversation: a page of its calls in time order, and their traces',
      operationId: 'getSession',
      description:
        'The session’s summary, `limit` of the calls of its traces in time order (from the start by default; order=desc: the latest first), and the traces those calls belong to, in the same order by start (a trace whose calls run over several pages is on each). A session of up to 200 calls comes whole, with next_cursor null. Reads only about a page of calls, whatever the session’s size.',
      parameters: [
        { name: 'session_id', in: 'path', required: true, schema: { type: 'string' } },
        query('limit', 'Calls per page', { type: 'integer', minimum: 1, maximum: 1000, default: 200 }),
        query('cursor', 'next_cursor of the previous page (same order)'),
        query('order', 'asc: the conversation from its start; desc: the latest calls first', {
          type: 'string',
          enum: ['asc', 'desc'],
          default: 'asc',
        }),
      ],
      responses: {
        '200': json({
          type: 'object',
          required: ['session', 'traces', 'calls', 'next_cursor'],
          properties: {
            session: ref('Session'),
            traces: { type: 'array', items: ref('TraceSummary') },
            calls: { type: 'array', items: ref('LlmCall') },
            next_cursor: { type: ['string', 'null'] },
          },
        }),
        '400': errorResponse('A query parameter is malformed, or the cursor is not one for this order'),
        '404': errorResponse('No such session'),
      },
    },
  },
  '/api/metrics': {
    get: {
      summary: 'Calls, errors, tokens, cost and latency percentiles, grouped',
      operationId: 'getMetrics',
      description: `Over the calls that count (a call repeating another's usage is skipped). Percentiles are within 1% of the exact value. Read from rollups kept at ingest when the filters allow: hourly ones for the provider, model, operation, service and route filters and groupings; per session and per user ones (by day and hour) for group_by=session or user with at most a time range. The calls themselves are read only for the partial hours at a range's edges, and for other filters. ${attrNote}`,
      parameters: [
        ...callFilters,
        query('group_by', 'Split by this (none: one total)', {
          type: 'string',
          enum: ['model', 'provider', 'service', 'route', 'operation', 'session', 'user', 'hour', 'day'],
        }),
        query('limit', 'Most groups returned: the first by rank_by; hours and days in time order', {
          type: 'integer',
          minimum: 1,
          maximum: 1000,
          default: 100,
        }),
        query('rank_by', 'Which groups come first: those with the most calls, or the highest cost (unpriced calls count as nothing)', {
          type: 'string',
          enum: ['calls', 'cost'],
          default: 'calls',
        }),
      ],
      responses: {
        '200': json({
          type: 'object',
          required: ['group_by', 'data', 'total'],
          properties: {
            group_by: nullable('string'),
            data: { type: 'array', items: ref('MetricsRow') },
            total: ref('MetricsRow'),
          },
        }),
        '400': errorResponse('A query parameter is malformed'),
      },
    },
  },
  '/api/metrics/series': {
    get: {
      summary: 'Calls, errors, tokens, cost and latency and TTFT percentiles per minute, hour or day, split by a dimension, for charts',
      operationId: 'getMetricsSeries',
      description: `Columnar: \`buckets\` holds each bucket's start, and every series one array per figure, parallel to it (0, or null for cost and percentiles, where a bucket has no call). Buckets are whole minutes, UTC hours or days but hold only the calls in the range (the first and last may cover part of theirs), so the series add up to /api/metrics over the same range. The \`limit\` values with the most calls in the range (or, with rank_by=cost, the highest cost) are series of their own; the rest are summed into one series with \`other: true\`. With the call-list filters the hourly rollups keep (provider, model, operation, service, route) it reads the range's whole hours from rollups and its partial edge hours from the calls; other filters read the matching calls. ${attrNote}`,
      parameters: [
        ...callFilters.map((f) =>
          f.name === 'start'
            ? {
                ...f,
                description:
                  'Calls starting at or after: default an hour (bucket=minute), a day (bucket=hour) or 30 days (bucket=day) before end',
              }
            : f.name === 'end'
              ? { ...f, description: 'Calls starting before: default now' }
              : f,
        ),
        query('bucket', 'The time bucket (minutes are read from the calls: for ranges of a few hours)', {
          type: 'string',
          enum: ['minute', 'hour', 'day'],
          default: 'hour',
        }),
        query('split_by', 'One series per value of this (none: the total only)', {
          type: 'string',
          enum: ['model', 'provider', 'service', 'operation', 'route'],
        }),
        query('limit', 'Most series: the values ranked first (see rank_by); the rest as “other”', {
          type: 'integer',
          minimum: 1,
          maximum: 50,
          default: 8,
        }),
        query('rank_by', 'Which values get a series of their own: those with the most calls, or the highest cost', {
          type: 'string',
          enum: ['calls', 'cost'],
          default: 'calls',
        }),
      ],
      responses: {
        '200': json(ref('MetricsSeries')),
        '400': errorResponse('A query parameter is malformed, or the range spans more than 1,000 buckets'),
      },
    },
  },
  '/api/facets': {
    get: {
      summary:
        'The services, span names, models, providers, operations and routes of a time range, with users and sessions counted, for filter pickers',
      operationId: 'getFacets',
      description:
        'Read from rollups kept at ingest, so it costs the same at any store size. The range is widened to the whole UTC hours it touches (`start` and `end` in the answer say which). Services and span names count spans; models (served, else requested), providers, operations and routes count the calls that count; values are ordered by count, then value. In an hour with more than 1,000 distinct service and span name pairs, the spans of further pairs count for their service only.',
      parameters: [
        query('start', 'From this time (its hour): ISO-8601, or a duration before now (15m, 2h, 7d); none: from the first data'),
        query('end', 'Before this time (the end of its hour); none: to the last data'),
        query('limit', 'Most values per facet', { type: 'integer', minimum: 1, maximum: 1000, default: 50 }),
      ],
      responses: { '200': json(ref('Facets')), '400': errorResponse('A query parameter is malformed') },
    },
  },
  '/api/logs': {
    get: {
      summary: 'Log records and events of a trace (or one span), in time order',
      operationId: 'listLogs',
      parameters: [
        { name: 'trace_id', in: 'query', required: true, schema: hexId(32) },
        query('span_id', 'Only records of this span', hexId(16)),
        query('limit', 'At most this many', { type: 'integer', minimum: 1, maximum: 1000, default: 1000 }),
      ],
      responses: { '200': page('LogRecord'), '400': errorResponse('trace_id missing or malformed') },
    },
  },
  '/api/admin/recompute-costs': {
    post: {
      summary: 'Reprice every stored call',
      operationId: 'recomputeCosts',
      description:
        'Reads the --prices override file again (if one is configured), then prices every stored call with the prices now in force and updates every total.',
      responses: {
        '200': json({
          type: 'object',
          properties: {
            calls: { type: 'integer', description: 'Calls looked at' },
            changed: { type: 'integer', description: 'Calls whose cost changed' },
            duration_ms: { type: 'integer' },
            prices: { type: 'object' },
          },
        }),
        '400': errorResponse('The price override file cannot be used; the prices in force are unchanged'),
        '409': errorResponse('A recompute is already running'),
      },
    },
  },
  '/api/import': {
    post: {
      summary: 'Load a file written by the SDK’s JSON file export',
      operationId: 'importDocument',
      description:
        'Takes the document `flush({ file })` writes (`format: "sightline-export"`, version 1) and ingests its spans as OTLP would be: the same checks, LLM calls read and priced, committed before the answer. Spans already stored are skipped, so importing a file twice adds nothing. Gzip accepted; the body limit is the OTLP one.',
      requestBody: jsonBody({
        type: 'object',
        required: ['format', 'version', 'spans'],
        properties: {
          format: { type: 'string', enum: ['sightline-export'] },
          version: { type: 'integer', enum: [1] },
          resource: { type: 'object', properties: { attributes: { type: 'object' } } },
          spans: { type: 'array', items: { type: 'object' } },
          sessions: { type: 'array', items: { type: 'object' }, description: 'Derived from the spans; not read' },
          traces: { type: 'array', items: { type: 'object' }, description: 'Derived from the spans; not read' },
        },
      }),
      responses: {
        '200': json({
          type: 'object',
          properties: {
            imported_spans: { type: 'integer' },
            rejected_spans: { type: 'integer', description: 'Spans refused (bad ids, end before start, …)' },
            message: { type: 'string', description: 'Why, for the first few refused spans' },
            traces: { type: 'integer' },
          },
        }),
        '400': errorResponse('Not a Sightline export document, or fields of the wrong type'),
        '413': errorResponse('Larger than the body limit'),
        '415': errorResponse('Not JSON'),
        '503': errorResponse('The store is busy; retry after Retry-After seconds'),
      },
    },
  },
};

const message = {
  type: 'object',
  properties: {
    role: { type: 'string' },
    parts: {
      type: 'array',
      items: { type: 'object', description: 'OpenTelemetry GenAI parts: {type: text, content}, {type: tool_call, id, name, arguments}, …' },
    },
    finish_reason: { type: 'string' },
  },
};

export const llmSchemas = {
  LlmCall: {
    type: 'object',
    description:
      'One model call. A count the source does not give is null, never 0. input_tokens counts every input token, cached ones included.',
    properties: {
      trace_id: hexId(32),
      span_id: hexId(16),
      parent_span_id: { oneOf: [hexId(16), { type: 'null' }] },
      request_id: nullable('string'),
      timestamp: time,
      service_name: { type: 'string' },
      provider: nullable('string'),
      host_provider: nullable('string'),
      request_model: nullable('string'),
      model: { ...nullable('string'), description: 'The model that served the call' },
      operation: nullable('string'),
      is_streaming: nullable('boolean'),
      input_tokens: nullable('integer'),
      output_tokens: nullable('integer'),
      total_tokens: nullable('integer'),
      cache_read_tokens: nullable('integer'),
      cache_write_tokens: nullable('integer'),
      reasoning_tokens: nullable('integer'),
      ttft_ms: nullable('number'),
      duration_ms: { type: 'number' },
      tpt_ms: { ...nullable('number'), description: 'Generation time after the first token, per output token' },
      tokens_per_s: nullable('number'),
      finish_reasons: { type: ['array', 'null'], items: { type: 'string' } },
      tool_call_count: nullable('integer'),
      tool_calls: {
        type: ['array', 'null'],
        items: { type: 'object', properties: { id: nullable('string'), name: { type: 'string' }, arguments: {} } },
      },
      is_error: { type: 'boolean' },
      error_type: nullable('string'),
      status_code: nullable('integer'),
      session_id: nullable('string'),
      user_id: nullable('string'),
      route_name: nullable('string'),
      routing_strategy: nullable('string'),
      routing_reason: nullable('string'),
      gateway_cache: nullable('string'),
      input_messages: { type: ['array', 'null'], items: message },
      output_messages: { type: ['array', 'null'], items: message },
      parameters: attributes,
      cost_usd: nullable('number'),
      cost_breakdown: {
        type: ['object', 'null'],
        properties: {
          input: nullable('number'),
          cache_read: nullable('number'),
          cache_write: nullable('number'),
          output: nullable('number'),
          reasoning: nullable('number'),
        },
      },
      cost_source: { type: ['string', 'null'], enum: ['table', 'source', 'override', null] },
      source_cost_usd: { ...nullable('number'), description: 'The cost the source itself reported, whatever priced the call' },
      price_model: { ...nullable('string'), description: 'The price used: model (platform, from date)' },
      vocabulary: { type: 'string' },
      provenance: {
        type: 'object',
        additionalProperties: { type: 'object', properties: { vocabulary: { type: 'string' }, rule: { type: 'string' } } },
        description: 'For each field set from the span: the vocabulary and the attribute, event or derivation it came from',
      },
      counted: { type: 'boolean', description: 'false when another call already counts this call’s usage' },
      duplicate_of: { oneOf: [hexId(16), { type: 'null' }] },
      project: { type: 'string' },
    },
  },
  Session: {
    type: 'object',
    properties: {
      session_id: { type: 'string' },
      name: { ...nullable('string'), description: 'The name the app gave it (sightline.session.name, withSession({ name }))' },
      labels: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'Its labels (sightline.label.<key> on its calls’ spans, withSession({ labels }))',
      },
      first_seen: time,
      last_seen: time,
      trace_count: { type: 'integer' },
      call_count: { type: 'integer' },
      error_count: { type: 'integer' },
      input_tokens: nullable('integer'),
      output_tokens: nullable('integer'),
      total_tokens: nullable('integer'),
      cost_usd: nullable('number'),
      users: { type: 'array', items: { type: 'string' } },
      project: { type: 'string' },
    },
  },
  MetricsRow: {
    type: 'object',
    properties: {
      key: { ...nullable('string'), description: 'The group (for hour and day, the bucket start as ISO-8601); null: calls without one' },
      calls: { type: 'integer' },
      errors: { type: 'integer' },
      error_rate: nullable('number'),
      input_tokens: { type: 'integer' },
      output_tokens: { type: 'integer' },
      cache_read_tokens: { type: 'integer' },
      cache_write_tokens: { type: 'integer' },
      reasoning_tokens: { type: 'integer' },
      total_tokens: { type: 'integer' },
      cost_usd: nullable('number'),
      unpriced_calls: { type: 'integer' },
      latency_ms: { type: 'object', properties: { p50: nullable('number'), p95: nullable('number'), p99: nullable('number') } },
      ttft_ms: { type: 'object', properties: { p50: nullable('number'), p95: nullable('number') } },
      tokens_per_s: { type: 'object', properties: { p50: nullable('number') } },
    },
  },
  MetricsSeries: {
    type: 'object',
    required: ['bucket', 'split_by', 'rank_by', 'buckets', 'series', 'total'],
    properties: {
      bucket: { type: 'string', enum: ['minute', 'hour', 'day'] },
      split_by: nullable('string'),
      rank_by: { type: 'string', enum: ['calls', 'cost'] },
      buckets: { type: 'array', items: time, description: 'Each bucket’s start' },
      series: {
        type: 'array',
        items: ref('SeriesColumns'),
        description:
          'The values ranked first (most calls, or highest cost by rank_by) in that order, then “other” when values were left out; empty without split_by',
      },
      total: ref('SeriesColumns'),
    },
  },
  SeriesColumns: {
    type: 'object',
    description: 'One value per bucket in each array, parallel to `buckets`',
    properties: {
      key: { ...nullable('string'), description: 'The split value; null for calls without one, and for “other” (absent from the total)' },
      other: { type: 'boolean', description: 'The values not shown on their own, summed (absent from the total)' },
      calls: { type: 'array', items: { type: 'integer' } },
      errors: { type: 'array', items: { type: 'integer' } },
      input_tokens: { type: 'array', items: { type: 'integer' } },
      output_tokens: { type: 'array', items: { type: 'integer' } },
      cost_usd: { type: 'array', items: nullable('number'), description: 'Null where no call of the bucket is priced' },
      latency_ms: {
        type: 'object',
        properties: { p50: { type: 'array', items: nullable('number') }, p95: { type: 'array', items: nullable('number') } },
      },
      ttft_ms: {
        type: 'object',
        properties: { p50: { type: 'array', items: nullable('number') }, p95: { type: 'array', items: nullable('number') } },
      },
    },
  },
  Facets: {
    type: 'object',
    properties: {
      start: { oneOf: [time, { type: 'null' }], description: 'The range counted, widened to whole hours' },
      end: { oneOf: [time, { type: 'null' }] },
      ...Object.fromEntries(
        ['services', 'span_names', 'models', 'providers', 'operations', 'routes'].map((facet) => [
          facet,
          {
            type: 'array',
            items: { type: 'object', properties: { value: { type: 'string' }, count: { type: 'integer' } } },
          },
        ]),
      ),
      users: { type: 'integer', description: 'Distinct users of the calls that count' },
      sessions: { type: 'integer', description: 'Distinct sessions of the calls that count' },
    },
  },
  LogRecord: {
    type: 'object',
    properties: {
      time: { oneOf: [time, { type: 'null' }] },
      observed_time: { oneOf: [time, { type: 'null' }] },
      trace_id: { oneOf: [hexId(32), { type: 'null' }] },
      span_id: { oneOf: [hexId(16), { type: 'null' }] },
      event_name: { type: 'string' },
      severity_number: { type: 'integer' },
      severity_text: { type: 'string' },
      body: {},
      attributes,
      dropped_attributes_count: { type: 'integer' },
      flags: { type: 'integer' },
      resource: { type: 'object' },
      scope: { type: 'object' },
    },
  },
  ExportLogsResponse: {
    type: 'object',
    properties: {
      partialSuccess: { type: 'object', properties: { rejectedLogRecords: { type: 'string' }, errorMessage: { type: 'string' } } },
    },
  },
};
