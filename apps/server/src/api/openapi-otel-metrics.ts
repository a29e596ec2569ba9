import { errorResponse, json, otlpExport, query, ref, time } from './openapi-parts.js';
import { MAX_STEPS } from './otel-metric-query.js';

/** The OTLP metrics part of the OpenAPI document: the export route and `/api/otel-metrics`. */

const nullableNumber = { type: ['number', 'null'] };

export const otelMetricPaths = {
  '/v1/metrics': otlpExport({
    summary: 'OTLP/HTTP metrics export',
    operationId: 'otlpExportMetrics',
    description:
      'An ExportMetricsServiceRequest as application/x-protobuf or application/json, optionally gzipped, at most 20 MiB decompressed: gauges, sums, histograms (explicit and exponential) and summaries. Each data point is stored under its series (metric, attributes, resource, scope); a point sent again (same series, same time) is stored once. Exemplars are not kept.',
    accepted: 'Accepted; partial_success reports rejected data points (no time, no temporality, buckets that do not match their bounds, …)',
    response: 'ExportMetricsResponse',
  }),
  '/api/otel-metrics': {
    get: {
      summary: 'OTLP metrics: the list, or one metric summed into groups',
      operationId: 'otelMetrics',
      description:
        'Without `name`: the metrics received in the range, with how many series and points. With `name`: that metric summed into groups over time steps. `value` is the **increase** in the range for counters, delta sums and histograms (cumulative points are differenced; a restart counts from zero) and the **latest** level, summed over a group’s series, for gauges and cumulative up-down counters. Histograms also give the count, sum and mean of the values recorded, their extremes, and quantiles estimated from the buckets.',
      parameters: [
        query('name', 'The metric, e.g. gen_ai.client.token.usage or claude_code.cost.usage; without it, the list of metrics'),
        query(
          'group_by',
          'Comma-separated attribute keys (at most 5): the point’s attributes, then its resource’s (service.name), then otel.scope.name',
        ),
        query(
          'attr.<key>',
          'Only series whose attribute (or resource attribute) has this value, e.g. attr.gen_ai.token.type=input; at most 10',
        ),
        query('start', 'Points at or after: ISO-8601, or a duration before now (15m, 2h, 7d); default a day before end'),
        query('end', 'Points before: default now'),
        query(
          'step',
          `Width of each point of the time series: 30s, 5m, 1h, 1d or seconds; default about a sixtieth of the range; at most ${MAX_STEPS} steps`,
        ),
        query('limit', 'Groups returned, largest value first', { type: 'integer', minimum: 1, maximum: 1000, default: 100 }),
      ],
      responses: {
        '200': json({ oneOf: [ref('OtelMetricList'), ref('OtelMetric')] }),
        '400': errorResponse('A query parameter is malformed; the message names it'),
        '501': errorResponse('The store keeps no OTLP metrics'),
      },
    },
  },
};

export const otelMetricSchemas = {
  ExportMetricsResponse: {
    type: 'object',
    properties: {
      partialSuccess: { type: 'object', properties: { rejectedDataPoints: { type: 'string' }, errorMessage: { type: 'string' } } },
    },
  },
  OtelMetricList: {
    type: 'object',
    properties: {
      start: time,
      end: time,
      data: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            kind: { type: 'string', enum: ['gauge', 'sum', 'histogram', 'exponential_histogram', 'summary'] },
            unit: { type: 'string' },
            description: { type: 'string' },
            series: { type: 'integer' },
            points: { type: 'integer' },
            last_seen: time,
          },
        },
      },
    },
  },
  OtelMetric: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      start: time,
      end: time,
      step_seconds: { type: 'integer' },
      group_by: { type: 'array', items: { type: 'string' } },
      kind: { type: ['string', 'null'], description: 'null when the metric has no points in the range' },
      unit: { type: ['string', 'null'] },
      description: { type: ['string', 'null'] },
      temporality: { type: ['string', 'null'], enum: ['none', 'delta', 'cumulative', null] },
      monotonic: { type: ['boolean', 'null'] },
      value: { type: ['string', 'null'], enum: ['increase', 'latest', null], description: 'What each group’s value is' },
      truncated: { type: 'boolean', description: 'More groups matched than `limit`' },
      other_kind_series: { type: 'integer', description: 'Series of this name with another kind, left out' },
      groups: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            key: { type: 'object', description: 'The group_by keys and their values (null where a series has none)' },
            series: { type: 'integer' },
            value: nullableNumber,
            count: { ...nullableNumber, description: 'Histograms and summaries only' },
            sum: { ...nullableNumber, description: 'Histograms and summaries only' },
            avg: { ...nullableNumber, description: 'Histograms and summaries only' },
            min: nullableNumber,
            max: nullableNumber,
            p50: { ...nullableNumber, description: 'Histograms only, from the buckets' },
            p95: nullableNumber,
            p99: nullableNumber,
            points: {
              type: 'array',
              items: { type: 'object', properties: { time, value: nullableNumber, count: nullableNumber } },
            },
          },
        },
      },
    },
  },
};
