import type { CallFilters, GroupRank } from './call-query.js';

/** The time buckets of a series: minutes (read from the calls: for short ranges), UTC hours or days. */
export type SeriesBucket = 'minute' | 'hour' | 'day';
/** Every {@link SeriesBucket}, for validating input. */
export const SERIES_BUCKETS: readonly SeriesBucket[] = ['minute', 'hour', 'day'];

/** What a series can be split by (the dimensions the hourly rollups keep). */
export type SeriesSplit = 'model' | 'provider' | 'service' | 'operation' | 'route';
/** Every {@link SeriesSplit}, for validating input. */
export const SERIES_SPLITS: readonly SeriesSplit[] = ['model', 'provider', 'service', 'operation', 'route'];

/** Most buckets one series query may span (an hourly series of 41 days, a daily one of 2.7 years). */
export const MAX_SERIES_BUCKETS = 1000;
/** Series shown when no limit is given; the rest are summed into one "other" series. */
export const DEFAULT_SERIES = 8;
/** Most series one query may ask for. */
export const MAX_SERIES = 50;

/**
 * Metrics over time for charts: per whole time bucket over `[from, to)` (the first and last
 * hold only the calls of the range, so the series add up to the metrics of the range), and
 * per value of `splitBy` (the `limit` values with the most calls — or, by `rankBy`, that cost
 * the most — the rest together), over the calls that count and pass the filters.
 */
export interface MetricsSeriesQuery extends CallFilters {
  readonly from: bigint;
  readonly to: bigint;
  readonly bucket: SeriesBucket;
  readonly splitBy?: SeriesSplit;
  /** Most series (1..{@link MAX_SERIES}, default {@link DEFAULT_SERIES}). */
  readonly limit?: number;
  /** Which values are shown on their own (default `calls`). */
  readonly rankBy?: GroupRank;
}

/** One series, a value per bucket (the arrays run parallel to `MetricsSeries.buckets`). */
export interface SeriesColumns {
  /** The split value (null: calls without one, or the total); null too for the "other" series. */
  readonly key: string | null;
  /** The series summing every value not shown on its own. */
  readonly other: boolean;
  readonly calls: number[];
  readonly errors: number[];
  readonly inputTokens: number[];
  readonly outputTokens: number[];
  /** Null where no call of the bucket is priced. */
  readonly costUsd: (number | null)[];
  /** Percentiles within 1%; null where the bucket has no call (or, for TTFT, none that streamed). */
  readonly latencyP50: (number | null)[];
  readonly latencyP95: (number | null)[];
  readonly ttftP50: (number | null)[];
  readonly ttftP95: (number | null)[];
}

/** The answer to a {@link MetricsSeriesQuery}: buckets, the series shown, and their total. */
export interface MetricsSeries {
  /** Each bucket's start, ns, in time order. */
  readonly buckets: bigint[];
  /** The values ranked first (most calls, or most cost), then "other" if any value was left out. */
  readonly series: SeriesColumns[];
  /** Every call together. */
  readonly total: SeriesColumns;
}
