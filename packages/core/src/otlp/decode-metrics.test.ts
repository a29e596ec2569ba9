import { ValueType } from '@opentelemetry/api';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, AggregationType, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../model/metric-point.js';
import { DecodeError } from './decode-error.js';
import { decodeMetricsJson, decodeMetricsJsonInSteps } from './decode-metrics-json.js';
import { decodeMetricsProto, decodeMetricsProtoInSteps } from './decode-metrics-proto.js';
import { metricRejectionSummary } from './decoded-metrics.js';

/** A reader the test collects from by hand. */
class ManualReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

/** What an app's OpenTelemetry SDK exports after recording GenAI client metrics and a coding agent's counters. */
async function recorded(temporality: AggregationTemporality): Promise<ResourceMetrics> {
  const reader = new ManualReader({ aggregationTemporalitySelector: () => temporality });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'chat-app' }),
    readers: [reader],
    views: [
      { instrumentName: 'gen_ai.client.operation.time_to_first_chunk', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } },
    ],
  });
  const meter = provider.getMeter('@opentelemetry/instrumentation-openai', '0.21.0');
  const tokens = meter.createHistogram('gen_ai.client.token.usage', {
    unit: '{token}',
    description: 'Measures number of input and output tokens used',
    valueType: ValueType.INT,
    advice: { explicitBucketBoundaries: [1, 4, 16, 64, 256] },
  });
  tokens.record(24, { 'gen_ai.token.type': 'input', 'gen_ai.request.model': 'gpt-4o-mini' });
  tokens.record(8, { 'gen_ai.token.type': 'output', 'gen_ai.request.model': 'gpt-4o-mini' });
  tokens.record(100, { 'gen_ai.token.type': 'input', 'gen_ai.request.model': 'gpt-4o-mini' });
  const ttfc = meter.createHistogram('gen_ai.client.operation.time_to_first_chunk', { unit: 's' });
  ttfc.record(0.25);
  ttfc.record(0.5);
  const cost = meter.createCounter('claude_code.cost.usage', { unit: 'USD' });
  cost.add(0.0125, { model: 'claude-sonnet-4-5' });
  const sessions = meter.createCounter('claude_code.session.count', { valueType: ValueType.INT });
  sessions.add(2);
  const open = meter.createUpDownCounter('app.open_streams', { valueType: ValueType.INT });
  open.add(3);
  open.add(-1);
  meter.createObservableGauge('app.queue_depth').addCallback((o) => o.observe(7.5, { queue: 'ingest' }));
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return resourceMetrics;
}

function byName(points: readonly MetricPoint[], name: string): MetricPoint[] {
  return points.filter((p) => p.name === name);
}

describe('decoding OTLP metrics as the OpenTelemetry JS SDK exports them', () => {
  it('decodes the same in steps of about so many points, pausing after the metric that reaches them', async () => {
    const reader = new ManualReader();
    const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'api' }), readers: [reader] });
    const meter = provider.getMeter('app');
    const requests = meter.createCounter('http.requests');
    const latency = meter.createHistogram('http.latency', { unit: 'ms' });
    for (let i = 0; i < 300; i++) {
      requests.add(i + 1, { route: `/r${i}` });
      latency.record(i, { route: `/r${i}` });
    }
    meter.createObservableGauge('app.queue_depth').addCallback((o) => o.observe(7.5));
    const { resourceMetrics } = await reader.collect();
    await provider.shutdown();
    const proto = ProtobufMetricsSerializer.serializeRequest(resourceMetrics) as Uint8Array;
    const json = new TextDecoder().decode(JsonMetricsSerializer.serializeRequest(resourceMetrics) as Uint8Array);
    for (const [decode, whole] of [
      [(pause: () => Promise<void>) => decodeMetricsProtoInSteps(proto, 50, pause), decodeMetricsProto(proto)],
      [(pause: () => Promise<void>) => decodeMetricsJsonInSteps(json, 50, pause), decodeMetricsJson(json)],
    ] as const) {
      let pauses = 0;
      const decoded = await decode(async () => {
        pauses++;
      });
      expect(decoded.points).toHaveLength(601);
      expect(decoded).toEqual(whole);
      // Two metrics of 300 points each reach 50 points; the gauge's one point does not.
      expect(pauses).toBe(2);
    }
  });

  it('reads every kind of point the same from protobuf and from JSON', async () => {
    for (const temporality of [AggregationTemporality.CUMULATIVE, AggregationTemporality.DELTA]) {
      const rm = await recorded(temporality);
      const fromProto = decodeMetricsProto(ProtobufMetricsSerializer.serializeRequest(rm) as Uint8Array);
      const fromJson = decodeMetricsJson(new TextDecoder().decode(JsonMetricsSerializer.serializeRequest(rm)));
      expect(fromProto.rejectedPoints).toBe(0);
      expect(fromJson).toEqual(fromProto);
      const points = fromProto.points;
      const expectedTemporality = temporality === AggregationTemporality.DELTA ? 'delta' : 'cumulative';

      const tokens = byName(points, 'gen_ai.client.token.usage');
      expect(tokens).toHaveLength(2);
      const input = tokens.find((p) => p.attributes['gen_ai.token.type'] === 'input') as MetricPoint;
      expect(input).toMatchObject({
        kind: 'histogram',
        unit: '{token}',
        description: 'Measures number of input and output tokens used',
        temporality: expectedTemporality,
        monotonic: false,
        count: 2,
        sum: 124,
        min: 24,
        max: 100,
        value: null,
        distribution: { type: 'explicit', bounds: [1, 4, 16, 64, 256], counts: [0, 0, 0, 1, 1, 0] },
      });
      expect(input.attributes).toEqual({ 'gen_ai.token.type': 'input', 'gen_ai.request.model': 'gpt-4o-mini' });
      expect(input.resource.attributes['service.name']).toBe('chat-app');
      expect(input.scope).toMatchObject({ name: '@opentelemetry/instrumentation-openai', version: '0.21.0' });
      expect(input.timeUnixNano).toBeGreaterThanOrEqual(input.startTimeUnixNano);
      expect(input.startTimeUnixNano).toBeGreaterThan(1_700_000_000_000_000_000n);

      const [ttfc] = byName(points, 'gen_ai.client.operation.time_to_first_chunk');
      expect(ttfc).toMatchObject({ kind: 'exponential_histogram', unit: 's', count: 2, sum: 0.75, min: 0.25, max: 0.5 });
      expect(ttfc?.distribution).toMatchObject({ type: 'exponential', zeroCount: 0 });
      const exp = ttfc?.distribution as Extract<MetricPoint['distribution'], { type: 'exponential' }>;
      expect(exp.positive.counts.reduce((a, b) => a + b, 0)).toBe(2);

      expect(byName(points, 'claude_code.cost.usage')).toMatchObject([
        {
          kind: 'sum',
          monotonic: true,
          temporality: expectedTemporality,
          unit: 'USD',
          value: 0.0125,
          attributes: { model: 'claude-sonnet-4-5' },
        },
      ]);
      // An integer counter arrives as as_int.
      expect(byName(points, 'claude_code.session.count')).toMatchObject([{ kind: 'sum', monotonic: true, value: 2 }]);
      expect(byName(points, 'app.open_streams')).toMatchObject([{ kind: 'sum', monotonic: false, value: 2 }]);
      expect(byName(points, 'app.queue_depth')).toMatchObject([
        { kind: 'gauge', temporality: 'none', value: 7.5, attributes: { queue: 'ingest' } },
      ]);
    }
  });
});

/** One JSON metric with one point, as a hand-written exporter might send it. */
function request(metric: Record<string, unknown>): string {
  return JSON.stringify({
    resourceMetrics: [{ resource: { attributes: [] }, scopeMetrics: [{ scope: { name: 's' }, metrics: [metric] }] }],
  });
}

const T = '1760000000000000000';

describe('metric points OTLP does not allow are refused one by one, with the reason', () => {
  it.each([
    ['a point without a time', { name: 'm', gauge: { dataPoints: [{ asDouble: 1 }] } }, 'time_unix_nano is not set'],
    [
      'a sum without a temporality',
      { name: 'm', sum: { dataPoints: [{ timeUnixNano: T, asInt: '1' }] } },
      'aggregation_temporality 0 is neither DELTA (1) nor CUMULATIVE (2)',
    ],
    [
      'a histogram whose buckets do not match its bounds',
      {
        name: 'm',
        histogram: {
          aggregationTemporality: 2,
          dataPoints: [{ timeUnixNano: T, count: '3', bucketCounts: ['1', '2'], explicitBounds: [1, 2] }],
        },
      },
      'bucket_counts has 2 entries for 2 explicit_bounds (expected 3)',
    ],
    [
      'a point from after 2262',
      { name: 'm', gauge: { dataPoints: [{ timeUnixNano: '18446744073709551615', asDouble: 1 }] } },
      'after 2262',
    ],
    [
      'a start after the time',
      {
        name: 'm',
        sum: {
          aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA',
          dataPoints: [{ startTimeUnixNano: '1760000000000000001', timeUnixNano: T, asInt: 1 }],
        },
      },
      'start_time_unix_nano is after time_unix_nano',
    ],
    ['a metric without a name', { gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1 }] } }, 'the metric has no name'],
  ])('%s', (_what, metric, reason) => {
    const decoded = decodeMetricsJson(request(metric));
    expect(decoded.points).toEqual([]);
    expect(decoded.rejectedPoints).toBe(1);
    expect(metricRejectionSummary(decoded)).toContain(reason);
  });

  it('keeps the good points of a metric whose other points are refused', () => {
    const decoded = decodeMetricsJson(
      request({
        name: 'm',
        unit: '1',
        gauge: { dataPoints: [{ asDouble: 1 }, { timeUnixNano: T, asDouble: 'NaN' }, { timeUnixNano: T, asDouble: 2 }] },
      }),
    );
    expect(decoded.rejectedPoints).toBe(1);
    // NaN is stored as "no value", not refused.
    expect(decoded.points.map((p) => p.value)).toEqual([null, 2]);
    expect(metricRejectionSummary(decoded)).toMatch(
      /^rejected 1 invalid data point\(s\): resourceMetrics\[0\].*dataPoints\[0\] \(m\): time_unix_nano is not set$/,
    );
  });

  it('raises DecodeError for bodies that are not OTLP at all', () => {
    expect(() => decodeMetricsJson('{"resourceMetrics": 3}')).toThrow(DecodeError);
    expect(() => decodeMetricsJson('not json')).toThrow(DecodeError);
    expect(() => decodeMetricsProto(new Uint8Array([0x0a, 0x05, 0x12]))).toThrow(DecodeError);
  });
});
