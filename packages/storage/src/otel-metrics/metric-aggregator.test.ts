import type { MetricDistribution } from '@sightline/core';
import { describe, expect, it } from 'vitest';
import { type MetricAggregation, MetricAggregator } from './metric-aggregator.js';
import type { MetricSeries, StoredMetricPoint } from './otel-metric-store.js';

const S = 1_000_000_000n;
const T0 = 1_760_000_000n * S;

function series(over: Partial<MetricSeries> = {}): MetricSeries {
  return {
    name: 'm',
    description: '',
    unit: '1',
    kind: 'sum',
    temporality: 'cumulative',
    monotonic: true,
    attributes: {},
    resource: { attributes: { 'service.name': 'app' }, droppedAttributesCount: 0, schemaUrl: '' },
    scope: { name: 'scope', version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
    ...over,
  };
}

function pt(seconds: number, over: Partial<StoredMetricPoint> = {}, startSeconds = 0): StoredMetricPoint {
  return {
    startTimeUnixNano: T0 + BigInt(startSeconds) * S,
    timeUnixNano: T0 + BigInt(seconds) * S,
    value: null,
    count: null,
    sum: null,
    min: null,
    max: null,
    distribution: null,
    ...over,
  };
}

function aggregate(
  input: [MetricSeries, [StoredMetricPoint, boolean?][]][],
  over: Partial<MetricAggregation> = {},
): ReturnType<MetricAggregator['result']> {
  const a = new MetricAggregator({
    groupBy: [],
    where: [],
    startUnixNano: T0 + 10n * S,
    endUnixNano: T0 + 70n * S,
    stepNanos: 30n * S,
    limit: 100,
    ...over,
  });
  for (const [s, points] of input) {
    a.series(s);
    for (const [p, before] of points) a.point(p, before ?? false);
  }
  return a.result();
}

describe('summing one metric into groups', () => {
  it('gives a cumulative counter its increase in the range, from its last point before it, across a restart', () => {
    const r = aggregate([
      [
        series(),
        [
          [pt(5, { value: 100 }), true],
          [pt(15, { value: 130 })],
          [pt(35, { value: 150 })],
          // The process restarted at 40 s: counting begins again from zero.
          [pt(45, { value: 7 }, 40)],
          [pt(65, { value: 12 }, 40)],
        ],
      ],
    ]);
    expect(r).toMatchObject({ kind: 'sum', value: 'increase', truncated: false });
    expect(r?.groups).toHaveLength(1);
    expect(r?.groups[0]).toMatchObject({ key: {}, series: 1, value: 30 + 20 + 7 + 5, count: null });
    expect(r?.groups[0]?.points.map((p) => p.value)).toEqual([30 + 20, 7 + 5]);
    expect(r?.groups[0]?.points.map((p) => p.timeUnixNano)).toEqual([T0 + 10n * S, T0 + 40n * S]);
  });

  it('counts a cumulative series first seen in the range from zero only if it started in the range', () => {
    const started = aggregate([[series(), [[pt(20, { value: 5 }, 12)], [pt(40, { value: 9 }, 12)]]]]);
    expect(started?.groups[0]?.value).toBe(9);
    // Started long before the range, and nothing earlier is stored: its first point is the baseline.
    const older = aggregate([[series(), [[pt(20, { value: 500 }, -100)], [pt(40, { value: 509 }, -100)]]]]);
    expect(older?.groups[0]?.value).toBe(9);
  });

  it('adds delta points as they are, grouped by an attribute, largest first', () => {
    const delta = (model: string) => series({ temporality: 'delta', attributes: { model, type: 'input' } });
    const r = aggregate(
      [
        [delta('small'), [[pt(20, { value: 1 })], [pt(30, { value: 2 })]]],
        [delta('big'), [[pt(20, { value: 10 })], [pt(50, { value: 20 })]]],
        [delta('small'), [[pt(60, { value: 4 })]]],
      ],
      { groupBy: ['model'] },
    );
    expect(r?.groups.map((g) => [g.key, g.series, g.value])).toEqual([
      [{ model: 'big' }, 1, 30],
      [{ model: 'small' }, 2, 7],
    ]);
  });

  it("gives gauges their latest level, summed over a group's series, with the resource's service as a key", () => {
    const gauge = (queue: string, service: string) =>
      series({
        kind: 'gauge',
        temporality: 'none',
        monotonic: false,
        attributes: { queue },
        resource: { attributes: { 'service.name': service }, droppedAttributesCount: 0, schemaUrl: '' },
      });
    const r = aggregate(
      [
        [gauge('a', 'api'), [[pt(15, { value: 3 })], [pt(45, { value: 5 })]]],
        [gauge('b', 'api'), [[pt(20, { value: 2 })]]],
        [gauge('c', 'worker'), [[pt(20, { value: 1 })]]],
      ],
      { groupBy: ['service.name'] },
    );
    expect(r?.value).toBe('latest');
    expect(r?.groups.map((g) => [g.key, g.value, g.min, g.max])).toEqual([
      [{ 'service.name': 'api' }, 7, 2, 5],
      [{ 'service.name': 'worker' }, 1, 1, 1],
    ]);
    expect(r?.groups[0]?.points.map((p) => p.value)).toEqual([5, 5]);
  });

  it('differences cumulative histograms bucket by bucket for count, sum, mean and quantiles', () => {
    const hist = (counts: number[]): MetricDistribution => ({ type: 'explicit', bounds: [10, 100, 1000], counts });
    const r = aggregate([
      [
        series({ kind: 'histogram', monotonic: false, unit: 'ms' }),
        [
          [pt(5, { count: 10, sum: 500, min: 1, max: 900, distribution: hist([5, 5, 0, 0]) }), true],
          [pt(20, { count: 60, sum: 3500, min: 1, max: 900, distribution: hist([5, 55, 0, 0]) })],
          [pt(50, { count: 110, sum: 9000, min: 1, max: 900, distribution: hist([5, 55, 40, 10]) })],
        ],
      ],
    ]);
    const g = r?.groups[0];
    expect(g).toMatchObject({ count: 100, sum: 8500, avg: 85, value: 8500, min: 1, max: 900 });
    // 50 values in (10, 100], 40 in (100, 1000], 10 above 1000 (kept within the recorded max).
    expect(g?.p50).toBeCloseTo(100, 6);
    expect(g?.p95).toBe(900);
    expect(g?.points.map((p) => p.count)).toEqual([50, 50]);
  });

  it('keeps only the series that match, and says when there are more groups than asked for', () => {
    const s = (model: string, env: string) => series({ temporality: 'delta', attributes: { model, env } });
    const input: [MetricSeries, [StoredMetricPoint, boolean?][]][] = [
      [s('a', 'prod'), [[pt(20, { value: 1 })]]],
      [s('b', 'prod'), [[pt(20, { value: 2 })]]],
      [s('c', 'dev'), [[pt(20, { value: 3 })]]],
    ];
    const prod = aggregate(input, { groupBy: ['model'], where: [{ key: 'env', value: 'prod' }] });
    expect(prod?.groups.map((g) => g.key.model)).toEqual(['b', 'a']);
    expect(prod?.truncated).toBe(false);
    const top = aggregate(input, { groupBy: ['model'], limit: 1 });
    expect(top?.groups.map((g) => g.key.model)).toEqual(['c']);
    expect(top?.truncated).toBe(true);
  });

  it('answers nothing for a metric with no series', () => {
    expect(aggregate([])).toBeNull();
  });
});
