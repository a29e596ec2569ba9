import type { AnyValue, MetricKind, Temporality } from '@sightline/core';
import { type Buckets, bucketIncrease, bucketsOf, mergeBuckets, quantileOf } from './metric-buckets.js';
import type { MetricSeries, MetricSink, StoredMetricPoint } from './otel-metric-store.js';

/** What to make of one metric's points. */
export interface MetricAggregation {
  /** Attribute keys to group by: a point's own attributes first, then its resource's (`service.name`). */
  readonly groupBy: readonly string[];
  /** Only series whose attribute (or resource attribute) `key` has this value, as text. */
  readonly where: readonly { readonly key: string; readonly value: string }[];
  readonly startUnixNano: bigint;
  readonly endUnixNano: bigint;
  /** The width of each point of the time series. */
  readonly stepNanos: bigint;
  /** Groups returned, largest value first. */
  readonly limit: number;
}

/** A group's values; see {@link MetricAggregator} for what `value` means for each kind. */
export interface MetricGroup {
  readonly key: Readonly<Record<string, AnyValue>>;
  readonly series: number;
  readonly value: number | null;
  /** Histograms and summaries: values recorded, their sum and mean; extremes and quantiles when known. */
  readonly count: number | null;
  readonly sum: number | null;
  readonly avg: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  /** One per step from the start (null where no point fell). */
  readonly points: readonly { readonly timeUnixNano: bigint; readonly value: number | null; readonly count: number | null }[];
}

export interface MetricResult {
  readonly name: string;
  readonly kind: MetricKind;
  readonly unit: string;
  readonly description: string;
  readonly temporality: Temporality;
  readonly monotonic: boolean;
  /** What `value` is: `increase` (counters, deltas, histograms: what happened in the range) or `latest` (gauges, up-down levels). */
  readonly value: 'increase' | 'latest';
  readonly groups: readonly MetricGroup[];
  /** More groups than `limit` (or than a query may hold) matched. */
  readonly truncated: boolean;
  /** Series of this name whose kind differs from the first one's, left out. */
  readonly otherKindSeries: number;
}

/** Distinct groups one query may hold while it reads. */
export const MAX_GROUPS = 10_000;

interface GroupState {
  readonly key: Record<string, AnyValue>;
  series: number;
  value: number | null;
  count: number | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  buckets: Buckets | null;
  readonly stepValues: (number | null)[];
  readonly stepCounts: (number | null)[];
}

interface SeriesState {
  readonly group: GroupState | null;
  prev: StoredMetricPoint | null;
  /**
   * Cumulative histograms: the open run of points that continue one another, whose bucket
   * increase is `last` − `base` (from zero when `base` is null). Only those two are read, so a
   * long series costs two bucket reads per restart, not one per point.
   */
  base: StoredMetricPoint | null;
  last: StoredMetricPoint | null;
  /** Level kinds: the series' latest value, overall and per step. */
  latest: number | null;
  readonly latestAt: Map<number, number>;
}

/**
 * Reads one metric's series and points (a {@link MetricSink}) and sums them into groups over
 * time steps. Counters, delta sums and histograms give their **increase** in the range: a
 * cumulative series' points are differenced (a lower value or a new start time is a restart,
 * counted from zero; a series that began before the range starts from its last point before it).
 * Gauges and cumulative up-down counters give their **latest** level, summed over a group's series.
 */
export class MetricAggregator implements MetricSink {
  private first: MetricSeries | null = null;
  private readonly groups = new Map<string, GroupState>();
  private current: SeriesState | null = null;
  private truncated = false;
  private otherKindSeries = 0;
  private readonly steps: number;

  constructor(private readonly query: MetricAggregation) {
    this.steps = Math.max(1, Number((query.endUnixNano - query.startUnixNano + query.stepNanos - 1n) / query.stepNanos));
  }

  series(series: MetricSeries): void {
    this.finishSeries();
    this.first ??= series;
    const same = series.kind === this.first.kind;
    if (!same) this.otherKindSeries++;
    const group = same && this.matches(series) ? this.groupOf(series) : null;
    if (group) group.series++;
    this.current = { group, prev: null, base: null, last: null, latest: null, latestAt: new Map() };
  }

  point(point: StoredMetricPoint, before: boolean): void {
    const s = this.current;
    if (s === null || s.group === null || this.first === null) return;
    if (this.isLevel()) {
      if (before || point.value === null) return;
      s.latest = point.value;
      s.latestAt.set(this.stepOf(point.timeUnixNano), point.value);
      return;
    }
    if (before) {
      s.prev = point;
      s.base = point;
      return;
    }
    this.addIncrease(s, s.group, point);
  }

  result(): MetricResult | null {
    this.finishSeries();
    const first = this.first;
    if (first === null) return null;
    const groups = [...this.groups.values()]
      .filter((g) => g.series > 0)
      .sort(
        (a, b) =>
          (b.value ?? Number.NEGATIVE_INFINITY) - (a.value ?? Number.NEGATIVE_INFINITY) || keyText(a.key).localeCompare(keyText(b.key)),
      );
    const distribution = first.kind === 'histogram' || first.kind === 'exponential_histogram' || first.kind === 'summary';
    return {
      name: first.name,
      kind: first.kind,
      unit: first.unit,
      description: first.description,
      temporality: first.temporality,
      monotonic: first.monotonic,
      value: this.isLevel() ? 'latest' : 'increase',
      truncated: this.truncated || groups.length > this.query.limit,
      otherKindSeries: this.otherKindSeries,
      groups: groups.slice(0, this.query.limit).map((g) => ({
        key: g.key,
        series: g.series,
        value: g.value,
        count: distribution ? g.count : null,
        sum: distribution ? g.sum : null,
        avg: distribution && g.count && g.sum !== null ? g.sum / g.count : null,
        min: g.min,
        max: g.max,
        p50: g.buckets ? quantileOf(g.buckets, 0.5, g.min, g.max) : null,
        p95: g.buckets ? quantileOf(g.buckets, 0.95, g.min, g.max) : null,
        p99: g.buckets ? quantileOf(g.buckets, 0.99, g.min, g.max) : null,
        points: g.stepValues.map((value, i) => ({
          timeUnixNano: this.query.startUnixNano + BigInt(i) * this.query.stepNanos,
          value,
          count: distribution ? (g.stepCounts[i] ?? null) : null,
        })),
      })),
    };
  }

  /** Gauges, and up-down counters sent cumulatively, are levels: their latest value is what counts. */
  private isLevel(): boolean {
    const f = this.first as MetricSeries;
    return f.kind === 'gauge' || (f.kind === 'sum' && !f.monotonic && f.temporality === 'cumulative');
  }

  private addIncrease(s: SeriesState, g: GroupState, p: StoredMetricPoint): void {
    const prev = s.prev;
    // A point continues its series when it has the same start and nothing went down (value, count or sum).
    const continues =
      prev !== null &&
      (this.first as MetricSeries).temporality === 'cumulative' &&
      prev.startTimeUnixNano === p.startTimeUnixNano &&
      (p.value ?? 0) >= (prev.value ?? 0) &&
      (p.count ?? 0) >= (prev.count ?? 0) &&
      (p.sum ?? 0) >= (prev.sum ?? 0);
    // A cumulative series seen first inside the range counts from zero only if it also began inside it.
    const baseline =
      (this.first as MetricSeries).temporality === 'cumulative' && prev === null && p.startTimeUnixNano < this.query.startUnixNano;
    s.prev = p;
    if (baseline) {
      s.base = p;
      return;
    }
    this.trackBuckets(s, g, p, continues);
    const since = continues ? prev : null;
    const step = this.stepOf(p.timeUnixNano);
    const value = p.value === null ? null : p.value - (since?.value ?? 0);
    const count = p.count === null ? null : p.count - (since?.count ?? 0);
    const sum = p.sum === null ? null : p.sum - (since?.sum ?? 0);
    const inc = value ?? sum;
    if (inc !== null) {
      g.value = (g.value ?? 0) + inc;
      g.stepValues[step] = (g.stepValues[step] ?? 0) + inc;
    }
    if (count !== null) {
      g.count = (g.count ?? 0) + count;
      g.stepCounts[step] = (g.stepCounts[step] ?? 0) + count;
    }
    if (sum !== null) g.sum = (g.sum ?? 0) + sum;
    if (p.min !== null && (count ?? 1) > 0) g.min = g.min === null ? p.min : Math.min(g.min, p.min);
    if (p.max !== null && (count ?? 1) > 0) g.max = g.max === null ? p.max : Math.max(g.max, p.max);
  }

  /** Delta points add their buckets; cumulative ones extend the open run, or close it and open another at a restart. */
  private trackBuckets(s: SeriesState, g: GroupState, p: StoredMetricPoint, continues: boolean): void {
    if ((this.first as MetricSeries).temporality !== 'cumulative') {
      const buckets = bucketsOf(p.distribution);
      if (buckets) mergeBuckets((g.buckets ??= new Map()), buckets);
      return;
    }
    if (!continues) {
      this.closeRun(s, g);
      s.base = null;
    }
    s.last = p;
  }

  /** Adds the bucket increase of a series' open run of points to its group. */
  private closeRun(s: SeriesState, g: GroupState): void {
    const last = s.last;
    s.last = null;
    if (last === null) return;
    const now = bucketsOf(last.distribution);
    if (now === null) return;
    const base = s.base === null ? null : bucketsOf(s.base.distribution);
    mergeBuckets((g.buckets ??= new Map()), base ? (bucketIncrease(now, base) ?? now) : now);
  }

  private finishSeries(): void {
    const s = this.current;
    this.current = null;
    if (s === null || s.group === null) return;
    if (!this.isLevel()) {
      this.closeRun(s, s.group);
      return;
    }
    if (s.latest === null) return;
    const g = s.group;
    g.value = (g.value ?? 0) + s.latest;
    for (const [step, v] of s.latestAt) g.stepValues[step] = (g.stepValues[step] ?? 0) + v;
    g.min = g.min === null ? Math.min(...s.latestAt.values()) : Math.min(g.min, ...s.latestAt.values());
    g.max = g.max === null ? Math.max(...s.latestAt.values()) : Math.max(g.max, ...s.latestAt.values());
  }

  private stepOf(t: bigint): number {
    const i = Number((t - this.query.startUnixNano) / this.query.stepNanos);
    return Math.min(Math.max(i, 0), this.steps - 1);
  }

  private matches(series: MetricSeries): boolean {
    return this.query.where.every(({ key, value }) => {
      const v = lookup(series, key);
      return v !== undefined && textOf(v) === value;
    });
  }

  private groupOf(series: MetricSeries): GroupState | null {
    const key: Record<string, AnyValue> = {};
    for (const k of this.query.groupBy) key[k] = lookup(series, k) ?? null;
    const text = keyText(key);
    let g = this.groups.get(text);
    if (!g) {
      if (this.groups.size >= MAX_GROUPS) {
        this.truncated = true;
        return null;
      }
      g = {
        key,
        series: 0,
        value: null,
        count: null,
        sum: null,
        min: null,
        max: null,
        buckets: null,
        stepValues: new Array(this.steps).fill(null),
        stepCounts: new Array(this.steps).fill(null),
      };
      this.groups.set(text, g);
    }
    return g;
  }
}

/** A series' value for an attribute key: its own attributes, then its resource's, then its scope's name. */
function lookup(series: MetricSeries, key: string): AnyValue | undefined {
  if (key in series.attributes) return series.attributes[key];
  if (key in series.resource.attributes) return series.resource.attributes[key];
  if (key === 'otel.scope.name') return series.scope.name;
  return undefined;
}

function textOf(v: AnyValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

function keyText(key: Record<string, AnyValue>): string {
  return textOf(Object.values(key) as AnyValue);
}
