import { ValueType } from '@opentelemetry/api';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer;
beforeAll(async () => {
  sl = await startTestServer();
});
afterAll(() => sl.stop());

type Kind = 'proto' | 'json' | 'grpc';

function exporter(kind: Kind, base: string, temporality: AggregationTemporality): PushMetricExporter {
  const temporalityPreference = temporality;
  if (kind === 'proto') return new ProtoMetricExporter({ url: `${base}/v1/metrics`, temporalityPreference });
  if (kind === 'json') return new JsonMetricExporter({ url: `${base}/v1/metrics`, temporalityPreference });
  return new GrpcMetricExporter({ url: `http://${sl.grpc}`, temporalityPreference });
}

/** An app's OpenTelemetry metrics SDK exporting with the official exporter; `flush` exports now. */
function app(kind: Kind, service: string, base: string, temporality = AggregationTemporality.CUMULATIVE) {
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    readers: [new PeriodicExportingMetricReader({ exporter: exporter(kind, base, temporality), exportIntervalMillis: 3_600_000 })],
  });
  const meter = provider.getMeter('@opentelemetry/instrumentation-openai', '0.21.0');
  return {
    tokens: meter.createHistogram('gen_ai.client.token.usage', { unit: '{token}', valueType: ValueType.INT }),
    duration: meter.createHistogram('gen_ai.client.operation.duration', {
      unit: 's',
      // The bucket bounds the GenAI semantic conventions advise for durations (in part).
      advice: { explicitBucketBoundaries: [0.01, 0.1, 0.5, 1, 2.5, 5] },
    }),
    cost: meter.createCounter('claude_code.cost.usage', { unit: 'USD' }),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

const metric = (query: string) => getJson(sl.api, `/api/otel-metrics?${query}`);

describe.each([
  ['protobuf over HTTP to the main port', 'proto' as const, () => sl.api],
  ['JSON over HTTP to the OTLP port', 'json' as const, () => sl.otlpHttp],
  ['gRPC', 'grpc' as const, () => sl.otlpHttp],
])('OTLP metrics from the official exporter: %s', (_how, kind, base) => {
  it('answers the GenAI client metrics by token type and model, counting cumulative exports once', async () => {
    const service = `metrics-${kind}`;
    const a = app(kind, service, base());
    const model = { 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.operation.name': 'chat' };
    a.tokens.record(24, { ...model, 'gen_ai.token.type': 'input' });
    a.tokens.record(8, { ...model, 'gen_ai.token.type': 'output' });
    a.duration.record(0.4, model);
    await a.flush();
    // The second export repeats the first's totals (cumulative): only the new values count.
    a.tokens.record(100, { ...model, 'gen_ai.token.type': 'input' });
    a.tokens.record(30, { ...model, 'gen_ai.token.type': 'output' });
    a.duration.record(1.6, model);
    await a.flush();
    await a.shutdown();

    const { status, body } = await metric(
      `name=gen_ai.client.token.usage&group_by=gen_ai.token.type&attr.service.name=${service}&start=1h`,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      name: 'gen_ai.client.token.usage',
      kind: 'histogram',
      unit: '{token}',
      temporality: 'cumulative',
      value: 'increase',
    });
    expect(body.groups.map((g: any) => [g.key, g.value, g.count, g.avg])).toEqual([
      [{ 'gen_ai.token.type': 'input' }, 124, 2, 62],
      [{ 'gen_ai.token.type': 'output' }, 38, 2, 19],
    ]);

    const { body: duration } = await metric(
      `name=gen_ai.client.operation.duration&group_by=service.name,gen_ai.request.model&attr.service.name=${service}&start=1h`,
    );
    expect(duration.groups).toHaveLength(1);
    expect(duration.groups[0]).toMatchObject({
      key: { 'service.name': service, 'gen_ai.request.model': 'gpt-4o-mini' },
      count: 2,
      min: 0.4,
      max: 1.6,
    });
    expect(duration.groups[0].avg).toBeCloseTo(1.0, 9);
    // Quantiles come from the buckets, kept within the extremes: 0.4 in (0.1, 0.5], 1.6 in (1, 2.5].
    expect(duration.groups[0].p50).toBeCloseTo(0.5, 9);
    expect(duration.groups[0].p99).toBe(1.6);
  });
});

describe('a coding agent’s cost counter, exported as deltas', () => {
  it('sums the deltas by model, with a time series in the steps asked for', async () => {
    const a = app('proto', 'claude-code', sl.otlpHttp, AggregationTemporality.DELTA);
    a.cost.add(0.25, { model: 'claude-sonnet-4-5' });
    a.cost.add(0.05, { model: 'claude-haiku-4-5' });
    await a.flush();
    a.cost.add(0.5, { model: 'claude-sonnet-4-5' });
    await a.flush();
    await a.shutdown();
    const { body } = await metric('name=claude_code.cost.usage&group_by=model&attr.service.name=claude-code&start=1h&step=5m');
    expect(body).toMatchObject({ kind: 'sum', temporality: 'delta', monotonic: true, value: 'increase', unit: 'USD', step_seconds: 300 });
    expect(body.groups.map((g: any) => [g.key.model, g.value])).toEqual([
      ['claude-sonnet-4-5', 0.75],
      ['claude-haiku-4-5', 0.05],
    ]);
    const points = body.groups[0].points;
    expect(points).toHaveLength(12);
    expect(points.filter((p: any) => p.value !== null).map((p: any) => p.value)).toEqual([0.75]);
    expect(points.at(-1).value).toBe(0.75);
  });
});

/** A reader the test collects from by hand, to post the very same body twice. */
class ManualReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

describe('what the API says of OTLP metrics', () => {
  it('lists the metrics received, and stores a retried export once', async () => {
    const reader = new ManualReader();
    const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'retry-app' }), readers: [reader] });
    provider.getMeter('m').createCounter('app.retried.requests').add(3, { route: '/chat' });
    const { resourceMetrics } = await reader.collect();
    const body = ProtobufMetricsSerializer.serializeRequest(resourceMetrics) as Uint8Array;
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${sl.api}/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body });
      expect(res.status).toBe(200);
    }
    const { body: sum } = await metric('name=app.retried.requests&start=1h');
    expect(sum.groups.map((g: any) => g.value)).toEqual([3]);

    const { status, body: list } = await metric('start=1h');
    expect(status).toBe(200);
    expect(list.data.find((m: any) => m.name === 'app.retried.requests')).toMatchObject({ kind: 'sum', series: 1, points: 1 });
    expect(list.data.map((m: any) => m.name)).toEqual(expect.arrayContaining(['gen_ai.client.token.usage', 'claude_code.cost.usage']));
  });

  it('reports refused points in partial_success and keeps the rest', async () => {
    const now = `${BigInt(Date.now()) * 1_000_000n}`;
    const res = await fetch(`${sl.otlpHttp}/v1/metrics`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  { name: 'app.queue_depth', gauge: { dataPoints: [{ timeUnixNano: now, asDouble: 4 }, { asDouble: 5 }] } },
                  { name: 'app.requests', sum: { dataPoints: [{ timeUnixNano: now, asInt: '1' }] } },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const { partialSuccess } = (await res.json()) as { partialSuccess: { rejectedDataPoints: string; errorMessage: string } };
    expect(partialSuccess.rejectedDataPoints).toBe('2');
    expect(partialSuccess.errorMessage).toContain('time_unix_nano is not set');
    expect(partialSuccess.errorMessage).toContain('aggregation_temporality 0 is neither DELTA (1) nor CUMULATIVE (2)');
    const { body } = await metric('name=app.queue_depth&start=1h');
    expect(body).toMatchObject({ kind: 'gauge', value: 'latest', groups: [{ value: 4 }] });
  });

  it('answers a metric with no points in the range with no groups, and bad parameters with 400', async () => {
    const { status, body } = await metric('name=no.such.metric');
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: 'no.such.metric', kind: null, groups: [] });
    for (const [query, message] of [
      ['name=x&step=0', 'query parameter "step" must be a duration like 30s, 5m or 1h, got "0"'],
      ['name=x&start=30d&step=1s', 'more than 1000; use a longer step'],
      ['name=x&group_by=a,b,c,d,e,f', 'at most 5 keys'],
      ['name=x&start=1h&end=2h', 'start must be before end'],
      ['name=x&bogus=1', 'unknown query parameter "bogus"'],
      ['group_by=a', 'unknown query parameter "group_by"'],
    ]) {
      const r = await metric(query as string);
      expect(r.status, query).toBe(400);
      expect(r.body.error.message, query).toContain(message);
    }
  });

  it('refuses a body that is not OTLP with 400', async () => {
    const res = await fetch(`${sl.api}/v1/metrics`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: new Uint8Array([0x0a, 0x05, 0x12]),
    });
    expect(res.status).toBe(400);
  });
});
