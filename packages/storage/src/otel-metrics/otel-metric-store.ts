import type { Attributes, InstrumentationScope, MetricDistribution, MetricKind, Resource, Temporality } from '@sightline/core';

/** One series of a metric: what all its points share. */
export interface MetricSeries {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly kind: MetricKind;
  readonly temporality: Temporality;
  readonly monotonic: boolean;
  readonly attributes: Attributes;
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
}

/** A stored data point of one series. */
export interface StoredMetricPoint {
  readonly startTimeUnixNano: bigint;
  readonly timeUnixNano: bigint;
  readonly value: number | null;
  readonly count: number | null;
  readonly sum: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly distribution: MetricDistribution | null;
}

/** What a store hands a reader of one metric: each series, then its points in time order. */
export interface MetricSink {
  series(series: MetricSeries): void;
  /** `before` marks the series' latest point before the range, given first when there is one. */
  point(point: StoredMetricPoint, before: boolean): void;
}

/** What the metric list shows of one metric. */
export interface OtelMetricInfo {
  readonly name: string;
  readonly kind: MetricKind;
  readonly unit: string;
  readonly description: string;
  /** Series with points in the range. */
  readonly seriesCount: number;
  readonly pointCount: number;
  readonly lastTimeUnixNano: bigint;
}

/**
 * OTLP metrics as a backend keeps them: data points grouped in series (one per metric, kind,
 * resource, scope and attribute set), written with the spans (see `WriteGroup.metrics`).
 */
export interface OtelMetricStore {
  /** The metrics of a project with points in [start, end), by name. */
  list(project: string, startUnixNano: bigint, endUnixNano: bigint): Promise<OtelMetricInfo[]>;
  /**
   * Hands `sink` every series of metric `name` with points in [start, end), each followed by
   * its latest point before `start` (if any, flagged `before`) and then its points in the range,
   * oldest first. A series' points all come before the next series.
   */
  scan(project: string, name: string, startUnixNano: bigint, endUnixNano: bigint, sink: MetricSink): Promise<void>;
}
