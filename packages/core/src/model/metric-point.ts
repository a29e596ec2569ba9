import type { Attributes } from './any-value.js';
import type { InstrumentationScope, Resource } from './span.js';

/** OTLP's five kinds of metric data. */
export type MetricKind = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';

/**
 * How a point's value relates to earlier points of its series: `delta` covers only its own
 * interval (start to time), `cumulative` everything since its start time. Gauges have none.
 */
export type Temporality = 'none' | 'delta' | 'cumulative';

/** A histogram's buckets: explicit bounds, or OTLP's exponential ones. */
export type MetricDistribution =
  | {
      readonly type: 'explicit';
      /** Upper bounds; bucket i counts values in (bounds[i-1], bounds[i]], the last one above every bound. */
      readonly bounds: readonly number[];
      readonly counts: readonly number[];
    }
  | {
      readonly type: 'exponential';
      /** Bucket index i covers (base^i, base^(i+1)] with base = 2^(2^-scale). */
      readonly scale: number;
      readonly zeroCount: number;
      readonly positive: { readonly offset: number; readonly counts: readonly number[] };
      readonly negative: { readonly offset: number; readonly counts: readonly number[] };
    }
  | {
      readonly type: 'quantiles';
      readonly quantiles: readonly { readonly quantile: number; readonly value: number }[];
    };

/**
 * One data point of one metric, with what its metric says of it: the canonical form of what an
 * OTLP metrics export carries. Times are nanoseconds since the Unix epoch.
 */
export interface MetricPoint {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly kind: MetricKind;
  readonly temporality: Temporality;
  /** A sum that only goes up (a counter); false for everything else. */
  readonly monotonic: boolean;
  /** When the series (cumulative) or the interval (delta) began; 0 when unknown. */
  readonly startTimeUnixNano: bigint;
  readonly timeUnixNano: bigint;
  readonly attributes: Attributes;
  /** A gauge's or sum's value; null when the point carries none (NaN, "no recorded value"). */
  readonly value: number | null;
  /** Histograms and summaries: how many values were recorded, their sum, and (when sent) extremes. */
  readonly count: number | null;
  readonly sum: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly distribution: MetricDistribution | null;
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
}
