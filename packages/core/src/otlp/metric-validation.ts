import type { Attributes } from '../model/any-value.js';
import type { MetricDistribution, MetricKind, Temporality } from '../model/metric-point.js';
import type { InstrumentationScope, Resource } from '../model/span.js';
import { timeRangeProblem } from '../model/time-range.js';
import { type DecodedMetricsBuilder, rejectPoint } from './decoded-metrics.js';

/** What a metric message says of all its points. */
export interface MetricHeader {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly kind: MetricKind;
  /** OTLP's AggregationTemporality: 0 unspecified, 1 delta, 2 cumulative. */
  readonly temporality: number;
  readonly monotonic: boolean;
}

/** One data point's fields as decoded from the wire, before they are checked. */
export interface RawPoint {
  readonly start: bigint;
  readonly time: bigint;
  readonly attributes: Attributes;
  readonly value: number | null;
  readonly count: number | null;
  readonly sum: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly distribution: MetricDistribution | null;
  /** DataPointFlags: bit 0 is "no recorded value". */
  readonly flags: number;
}

const NO_RECORDED_VALUE = 1;

/** Checks a decoded point against OTLP's rules and adds it to `out`, or counts it as refused and says why. */
export function addMetricPoint(
  out: DecodedMetricsBuilder,
  where: string,
  header: MetricHeader,
  raw: RawPoint,
  resource: Resource,
  scope: InstrumentationScope,
): void {
  const problem = metricPointProblem(header, raw);
  if (problem !== null) {
    rejectPoint(out, header.name === '' ? where : `${where} (${header.name})`, problem);
    return;
  }
  const empty = (raw.flags & NO_RECORDED_VALUE) !== 0;
  out.points.push({
    name: header.name,
    description: header.description,
    unit: header.unit,
    kind: header.kind,
    temporality: temporalityOf(header),
    monotonic: header.kind === 'sum' && header.monotonic,
    startTimeUnixNano: raw.start,
    timeUnixNano: raw.time,
    attributes: raw.attributes,
    value: empty ? null : finiteOrNull(raw.value),
    count: empty ? null : raw.count,
    sum: empty ? null : finiteOrNull(raw.sum),
    min: empty ? null : finiteOrNull(raw.min),
    max: empty ? null : finiteOrNull(raw.max),
    distribution: empty ? null : raw.distribution,
    resource,
    scope,
  });
}

function temporalityOf(header: MetricHeader): Temporality {
  if (header.kind === 'gauge') return 'none';
  // OTLP summaries are cumulative by definition.
  if (header.kind === 'summary') return 'cumulative';
  return header.temporality === 1 ? 'delta' : 'cumulative';
}

function finiteOrNull(n: number | null): number | null {
  return n === null || !Number.isFinite(n) ? null : n;
}

/** Why a point cannot be stored, or null. */
export function metricPointProblem(header: MetricHeader, raw: RawPoint): string | null {
  if (header.name === '') return 'the metric has no name';
  if (header.kind !== 'gauge' && header.kind !== 'summary' && header.temporality !== 1 && header.temporality !== 2)
    return `aggregation_temporality ${header.temporality} is neither DELTA (1) nor CUMULATIVE (2)`;
  if (raw.time === 0n) return 'time_unix_nano is not set';
  const range = timeRangeProblem('time_unix_nano', raw.time) ?? timeRangeProblem('start_time_unix_nano', raw.start);
  if (range !== null) return range;
  if (raw.start > raw.time) return 'start_time_unix_nano is after time_unix_nano';
  if (raw.count !== null && (!Number.isSafeInteger(raw.count) || raw.count < 0)) return `count ${raw.count} is not a count`;
  const d = raw.distribution;
  if (d?.type === 'explicit') {
    if (d.counts.length !== 0 && d.counts.length !== d.bounds.length + 1)
      return `bucket_counts has ${d.counts.length} entries for ${d.bounds.length} explicit_bounds (expected ${d.bounds.length + 1})`;
    for (let i = 0; i < d.bounds.length; i++) {
      const b = d.bounds[i] as number;
      if (Number.isNaN(b) || (i > 0 && b <= (d.bounds[i - 1] as number))) return 'explicit_bounds are not increasing';
    }
  }
  if (d?.type === 'exponential' && (!Number.isInteger(d.scale) || d.scale < -10 || d.scale > 20))
    return `scale ${d.scale} is outside OTLP's -10…20`;
  return null;
}
