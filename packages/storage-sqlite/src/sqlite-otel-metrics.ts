import type { MetricDistribution, MetricKind, Temporality } from '@sightline/core';
import type { MetricSink, OtelMetricInfo, OtelMetricStore, StoredMetricPoint } from '@sightline/storage';
import { decodeAttributes } from '@sightline/storage';
import type Database from 'better-sqlite3';
import type { DamageWatch } from './damage-watch.js';
import { DimensionReader } from './dimension-reader.js';

interface SeriesRow {
  id: number;
  name: string;
  description: string;
  unit: string;
  kind: MetricKind;
  temporality: Temporality;
  monotonic: number;
  resource_id: number;
  scope_id: number;
  attributes: string;
}

interface PointRow {
  time_ns: bigint;
  start_ns: bigint;
  value: number | null;
  count: bigint | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  distribution: string | null;
}

/**
 * OTLP metrics in the `metric_series` and `metric_points` tables (schema 007), read on the
 * store's connection; the writer thread writes them with the spans.
 */
export class SqliteOtelMetrics implements OtelMetricStore {
  private readonly dims: DimensionReader;
  private readonly stmts;

  constructor(
    db: Database.Database,
    private readonly watch: DamageWatch,
  ) {
    this.dims = new DimensionReader(db);
    this.stmts = {
      list: db
        .prepare(
          `SELECT s.name, s.kind, s.unit, s.description, count(DISTINCT s.id) AS seriesCount, count(*) AS pointCount, max(p.time_ns) AS last
           FROM metric_series s JOIN metric_points p ON p.series_id = s.id AND p.time_ns >= ? AND p.time_ns < ?
           WHERE s.project_id = ? GROUP BY s.name ORDER BY s.name`,
        )
        .safeIntegers(true),
      series: db.prepare('SELECT * FROM metric_series WHERE project_id = ? AND name = ? ORDER BY id'),
      before: db
        .prepare('SELECT * FROM metric_points WHERE series_id = ? AND time_ns < ? ORDER BY time_ns DESC LIMIT 1')
        .safeIntegers(true),
      inRange: db
        .prepare('SELECT * FROM metric_points WHERE series_id = ? AND time_ns >= ? AND time_ns < ? ORDER BY time_ns')
        .safeIntegers(true),
    };
  }

  list(project: string, start: bigint, end: bigint): Promise<OtelMetricInfo[]> {
    return this.watch.read(async () => {
      const projectId = this.dims.projectId(project);
      if (projectId === null) return [];
      const rows = this.stmts.list.all(start, end, projectId) as {
        name: string;
        kind: MetricKind;
        unit: string;
        description: string;
        seriesCount: bigint;
        pointCount: bigint;
        last: bigint;
      }[];
      return rows.map((r) => ({
        name: r.name,
        kind: r.kind,
        unit: r.unit,
        description: r.description,
        seriesCount: Number(r.seriesCount),
        pointCount: Number(r.pointCount),
        lastTimeUnixNano: r.last,
      }));
    });
  }

  scan(project: string, name: string, start: bigint, end: bigint, sink: MetricSink): Promise<void> {
    return this.watch.read(async () => {
      const projectId = this.dims.projectId(project);
      if (projectId === null) return;
      // One statement at a time on a connection: the series are read whole, then each one's points.
      for (const s of this.stmts.series.all(projectId, name) as SeriesRow[]) {
        const before = this.stmts.before.get(s.id, start) as PointRow | undefined;
        const series = {
          name: s.name,
          description: s.description,
          unit: s.unit,
          kind: s.kind,
          temporality: s.temporality,
          monotonic: s.monotonic === 1,
          attributes: decodeAttributes(s.attributes),
          resource: this.dims.resource(s.resource_id),
          scope: this.dims.scope(s.scope_id),
        };
        let announced = false;
        for (const row of this.stmts.inRange.iterate(s.id, start, end) as IterableIterator<PointRow>) {
          if (!announced) {
            announced = true;
            sink.series(series);
            if (before) sink.point(pointOf(before), true);
          }
          sink.point(pointOf(row), false);
        }
      }
    });
  }
}

/** A stored point; its buckets are parsed only when read (a query reads few of them). */
function pointOf(r: PointRow): StoredMetricPoint {
  let parsed: MetricDistribution | null | undefined;
  return {
    startTimeUnixNano: r.start_ns,
    timeUnixNano: r.time_ns,
    value: r.value === null ? null : Number(r.value),
    count: r.count === null ? null : Number(r.count),
    sum: r.sum === null ? null : Number(r.sum),
    min: r.min === null ? null : Number(r.min),
    max: r.max === null ? null : Number(r.max),
    get distribution() {
      if (parsed === undefined) parsed = r.distribution === null ? null : (JSON.parse(r.distribution) as MetricDistribution);
      return parsed;
    },
  };
}
