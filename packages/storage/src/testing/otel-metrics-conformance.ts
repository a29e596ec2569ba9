import type { MetricPoint } from '@sightline/core';
import { describe, expect, it } from 'vitest';
import { MetricAggregator } from '../otel-metrics/metric-aggregator.js';
import type { MetricSeries, StoredMetricPoint } from '../otel-metrics/otel-metric-store.js';
import type { Storage } from '../storage.js';
import { T0 } from './span-builder.js';

const S = 1_000_000_000n;

/** A data point `seconds` after T0, as a decoder would give it. */
export function metricPoint(seconds: number, over: Partial<MetricPoint> = {}): MetricPoint {
  return {
    name: 'gen_ai.client.token.usage',
    description: 'tokens used',
    unit: '{token}',
    kind: 'sum',
    temporality: 'cumulative',
    monotonic: true,
    startTimeUnixNano: T0,
    timeUnixNano: T0 + BigInt(seconds) * S,
    attributes: { 'gen_ai.token.type': 'input' },
    value: null,
    count: null,
    sum: null,
    min: null,
    max: null,
    distribution: null,
    resource: { attributes: { 'service.name': 'chat-app' }, droppedAttributesCount: 0, schemaUrl: '' },
    scope: { name: 'meter', version: '1.0', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
    ...over,
  };
}

/** What every backend's OTLP metrics must do. */
export function describeOtelMetricsConformance(getStore: () => Storage): void {
  const metrics = () => {
    const m = getStore().otelMetrics;
    if (!m) throw new Error('this backend keeps no OTLP metrics');
    return m;
  };
  const write = (points: MetricPoint[], project = 'default') => getStore().writer.write([{ project, spans: [], metrics: points }]);
  const scan = async (name: string, startS: number, endS: number, project = 'default') => {
    const seen: { series: MetricSeries; points: [StoredMetricPoint, boolean][] }[] = [];
    await metrics().scan(project, name, T0 + BigInt(startS) * S, T0 + BigInt(endS) * S, {
      series: (series) => seen.push({ series, points: [] }),
      point: (p, before) => seen.at(-1)?.points.push([p, before]),
    });
    return seen;
  };

  describe('OTLP metrics', () => {
    it('stores a point once however often it is sent, and keeps series apart by attributes and resource', async () => {
      const input = metricPoint(10, { value: 100 });
      const output = metricPoint(10, { value: 40, attributes: { 'gen_ai.token.type': 'output' } });
      const otherService = metricPoint(10, {
        value: 7,
        resource: { attributes: { 'service.name': 'worker' }, droppedAttributesCount: 0, schemaUrl: '' },
      });
      expect((await write([input, output, otherService])).metricPointsStored).toBe(3);
      // A retried export, and the same attributes given in another order, are the same points.
      expect((await write([input, { ...output, attributes: { 'gen_ai.token.type': 'output' } }])).metricPointsStored).toBe(0);
      expect((await write([metricPoint(20, { value: 130 })])).metricPointsStored).toBe(1);

      const seen = await scan('gen_ai.client.token.usage', 0, 60);
      expect(seen).toHaveLength(3);
      const inputSeries = seen.find(
        (s) => s.series.attributes['gen_ai.token.type'] === 'input' && s.series.resource.attributes['service.name'] === 'chat-app',
      );
      expect(inputSeries?.series).toMatchObject({
        kind: 'sum',
        temporality: 'cumulative',
        monotonic: true,
        unit: '{token}',
        description: 'tokens used',
      });
      expect(inputSeries?.series.scope).toMatchObject({ name: 'meter', version: '1.0' });
      expect(inputSeries?.points.map(([p, before]) => [p.timeUnixNano - T0, p.value, before])).toEqual([
        [10n * S, 100, false],
        [20n * S, 130, false],
      ]);
    });

    it("gives a series' last point before the range first, and only series with points in the range", async () => {
      await write([
        metricPoint(5, { value: 1 }),
        metricPoint(15, { value: 2 }),
        metricPoint(25, { value: 3 }),
        metricPoint(5, { value: 9, attributes: { 'gen_ai.token.type': 'output' } }),
      ]);
      const seen = await scan('gen_ai.client.token.usage', 10, 30);
      expect(seen).toHaveLength(1);
      expect(seen[0]?.points.map(([p, before]) => [p.value, before])).toEqual([
        [1, true],
        [2, false],
        [3, false],
      ]);
    });

    it('keeps histograms whole: count, sum, extremes and buckets', async () => {
      const distribution = { type: 'explicit', bounds: [1, 10], counts: [1, 2, 3] } as const;
      await write([
        metricPoint(10, {
          name: 'gen_ai.client.operation.duration',
          kind: 'histogram',
          monotonic: false,
          unit: 's',
          count: 6,
          sum: 42.5,
          min: 0.5,
          max: 20,
          distribution,
        }),
      ]);
      const [seen] = await scan('gen_ai.client.operation.duration', 0, 60);
      expect(seen?.points[0]?.[0]).toEqual({
        startTimeUnixNano: T0,
        timeUnixNano: T0 + 10n * S,
        value: null,
        count: 6,
        sum: 42.5,
        min: 0.5,
        max: 20,
        distribution,
      });
    });

    it("lists a project's metrics in a range, and never another project's", async () => {
      await write([
        metricPoint(10, { value: 1 }),
        metricPoint(20, { value: 2 }),
        metricPoint(30, { name: 'claude_code.cost.usage', unit: 'USD', value: 0.5 }),
      ]);
      await write([metricPoint(10, { name: 'secret.metric', value: 1 })], 'other');
      expect(await metrics().list('default', T0, T0 + 60n * S)).toEqual([
        {
          name: 'claude_code.cost.usage',
          kind: 'sum',
          unit: 'USD',
          description: 'tokens used',
          seriesCount: 1,
          pointCount: 1,
          lastTimeUnixNano: T0 + 30n * S,
        },
        {
          name: 'gen_ai.client.token.usage',
          kind: 'sum',
          unit: '{token}',
          description: 'tokens used',
          seriesCount: 1,
          pointCount: 2,
          lastTimeUnixNano: T0 + 20n * S,
        },
      ]);
      expect((await metrics().list('default', T0 + 25n * S, T0 + 60n * S)).map((m) => m.name)).toEqual(['claude_code.cost.usage']);
      expect(await scan('secret.metric', 0, 60)).toEqual([]);
      expect(await metrics().list('nobody', T0, T0 + 60n * S)).toEqual([]);
    });

    it('answers a query through the aggregator: the increase of a cumulative counter per attribute', async () => {
      await write([
        metricPoint(10, { value: 100 }),
        metricPoint(40, { value: 160 }),
        metricPoint(10, { value: 10, attributes: { 'gen_ai.token.type': 'output' } }),
        metricPoint(40, { value: 30, attributes: { 'gen_ai.token.type': 'output' } }),
      ]);
      const a = new MetricAggregator({
        groupBy: ['gen_ai.token.type'],
        where: [],
        startUnixNano: T0,
        endUnixNano: T0 + 60n * S,
        stepNanos: 60n * S,
        limit: 10,
      });
      await metrics().scan('default', 'gen_ai.client.token.usage', T0, T0 + 60n * S, a);
      expect(a.result()?.groups.map((g) => [g.key['gen_ai.token.type'], g.value])).toEqual([
        ['input', 160],
        ['output', 30],
      ]);
    });
  });
}
