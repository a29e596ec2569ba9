import { ValueType } from '@opentelemetry/api';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { AggregationType, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../testing/random.js';
import type { MetricPoint } from '../model/metric-point.js';
import { MAX_TIME_NS } from '../model/time-range.js';
import { DecodeError } from './decode-error.js';
import { decodeMetricsJson } from './decode-metrics-json.js';
import { decodeMetricsProto } from './decode-metrics-proto.js';
import type { DecodedMetrics } from './decoded-metrics.js';

const ITERATIONS = 3000;

class ManualReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

let metrics: ResourceMetrics;
beforeAll(async () => {
  const reader = new ManualReader();
  const provider = new MeterProvider({
    readers: [reader],
    views: [{ instrumentName: 'exp', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('fuzz', '1');
  meter.createHistogram('hist').record(3, { a: 'x' });
  meter.createHistogram('exp').record(0.5);
  meter.createCounter('count', { valueType: ValueType.INT }).add(7, { b: true });
  meter.createUpDownCounter('level').add(-2);
  meter.createObservableGauge('gauge').addCallback((o) => o.observe(1.5));
  metrics = (await reader.collect()).resourceMetrics;
});

/** What may come out of a decoder for any input: a refusal, or points fit to store. */
function assertSound(run: () => DecodedMetrics): void {
  let decoded: DecodedMetrics;
  try {
    decoded = run();
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    return;
  }
  for (const p of decoded.points) assertStorable(p);
  expect(decoded.rejectedPoints).toBeGreaterThanOrEqual(decoded.rejections.length);
}

/** Checked by hand, not with expect(): this runs for every point of thousands of bodies. */
function assertStorable(p: MetricPoint): void {
  const fail = (what: string) => {
    throw new Error(`decoder produced an unstorable point (${what}): ${p.name}`);
  };
  if (p.name === '') fail('name');
  if (p.timeUnixNano <= 0n || p.timeUnixNano > MAX_TIME_NS || p.startTimeUnixNano < 0n || p.startTimeUnixNano > p.timeUnixNano)
    fail('times');
  for (const v of [p.value, p.sum, p.min, p.max]) if (v !== null && !Number.isFinite(v)) fail('number');
  if (p.count !== null && (!Number.isSafeInteger(p.count) || p.count < 0)) fail('count');
  // Every stored point must survive being written as JSON.
  JSON.stringify(p.distribution);
}

describe('the metrics decoders under damaged input', () => {
  it('survive bit flips, byte changes and truncation of a valid protobuf body', () => {
    const body = ProtobufMetricsSerializer.serializeRequest(metrics) as Uint8Array;
    const rand = seededRandom(7);
    for (let i = 0; i < ITERATIONS; i++) {
      const b = body.slice(0, rand() < 0.2 ? Math.floor(rand() * body.length) : body.length);
      for (let m = 0; m < 1 + Math.floor(rand() * 4); m++) {
        const at = Math.floor(rand() * b.length);
        b[at] = rand() < 0.5 ? (b[at] as number) ^ (1 << Math.floor(rand() * 8)) : Math.floor(rand() * 256);
      }
      assertSound(() => decodeMetricsProto(b));
    }
  });

  it('survive character changes and truncation of a valid JSON body', () => {
    const text = new TextDecoder().decode(JsonMetricsSerializer.serializeRequest(metrics));
    const rand = seededRandom(11);
    const chars = '0123456789-"{}[]:,.eE ntruefalsNaI';
    for (let i = 0; i < ITERATIONS; i++) {
      let t = rand() < 0.2 ? text.slice(0, Math.floor(rand() * text.length)) : text;
      for (let m = 0; m < 1 + Math.floor(rand() * 4); m++) {
        const at = Math.floor(rand() * t.length);
        t = t.slice(0, at) + chars[Math.floor(rand() * chars.length)] + t.slice(at + 1);
      }
      assertSound(() => decodeMetricsJson(t));
    }
  });
});
