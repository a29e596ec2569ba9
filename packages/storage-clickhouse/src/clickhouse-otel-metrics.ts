import { createHash } from 'node:crypto';
import { encodeTypedJson, type KvList, type MetricPoint } from '@sightline/core';
import {
  decodeAttributes,
  encodeAttributes,
  type MetricSeries,
  type MetricSink,
  type OtelMetricInfo,
  type OtelMetricStore,
  type StoredMetricPoint,
  seriesIdentity,
} from '@sightline/storage';
import type { ClickHouseDb } from './clickhouse-db.js';
import type { MetricPointPurger } from './clickhouse-purger.js';
import type { MetricPointSink } from './clickhouse-writer.js';
import { decodeResource, decodeScope, encodeResource, encodeScope } from './span-row.js';

interface PointRow {
  project: string;
  name: string;
  series_id: string;
  time_ns: string;
  start_ns: string;
  value: number | null;
  count: number | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  distribution: string;
  series: string;
}

function seriesText(p: MetricPoint): string {
  return JSON.stringify({
    n: p.name,
    d: p.description,
    u: p.unit,
    k: p.kind,
    t: p.temporality,
    m: p.monotonic,
    a: encodeAttributes(p.attributes),
    r: encodeResource(p.resource),
    s: encodeScope(p.scope),
  });
}

function seriesOf(text: string): MetricSeries {
  const s = JSON.parse(text);
  return {
    name: s.n,
    description: s.d,
    unit: s.u,
    kind: s.k,
    temporality: s.t,
    monotonic: s.m,
    attributes: decodeAttributes(s.a),
    resource: decodeResource(s.r),
    scope: decodeScope(s.s),
  };
}

function pointToRow(project: string, p: MetricPoint): PointRow {
  const identity = [encodeTypedJson(p.resource.attributes as KvList), p.scope.name, p.scope.version, seriesIdentity(p)].join('\u0000');
  return {
    project,
    name: p.name,
    series_id: createHash('sha256').update(identity).digest('base64url'),
    time_ns: String(p.timeUnixNano),
    start_ns: String(p.startTimeUnixNano),
    value: p.value,
    count: p.count,
    sum: p.sum,
    min: p.min,
    max: p.max,
    distribution: JSON.stringify(p.distribution),
    series: seriesText(p),
  };
}

function rowToPoint(r: PointRow): StoredMetricPoint {
  return {
    startTimeUnixNano: BigInt(r.start_ns),
    timeUnixNano: BigInt(r.time_ns),
    value: r.value,
    count: r.count,
    sum: r.sum,
    min: r.min,
    max: r.max,
    distribution: JSON.parse(r.distribution),
  };
}

/** Points looked up and written at once. */
const WRITE_CHUNK = 2_000;

const POINT_COLUMNS = 'series_id, time_ns, start_ns, value, count, sum, min, max, distribution';

/** OTLP metric points in ClickHouse (`metric_points`). */
export class ClickHouseOtelMetrics implements OtelMetricStore, MetricPointSink, MetricPointPurger {
  constructor(
    private readonly db: ClickHouseDb,
    private readonly assertOpen: () => void,
  ) {}

  /** Stores the points not stored before; returns how many were new. */
  async write(project: string, points: readonly MetricPoint[]): Promise<number> {
    let stored = 0;
    // A bounded lookup per query: query parameters travel in the request's URL.
    for (let i = 0; i < points.length; i += WRITE_CHUNK) stored += await this.writeSome(project, points.slice(i, i + WRITE_CHUNK));
    return stored;
  }

  private async writeSome(project: string, points: readonly MetricPoint[]): Promise<number> {
    const rows = points.map((p) => pointToRow(project, p));
    const found = await this.db.rows<{ series_id: string; time_ns: string }>(
      `SELECT series_id, time_ns FROM metric_points
       WHERE project = {project:String} AND name IN {names:Array(String)} AND series_id IN {ids:Array(String)} AND time_ns IN {times:Array(Int64)}`,
      {
        project,
        names: [...new Set(rows.map((r) => r.name))],
        ids: [...new Set(rows.map((r) => r.series_id))],
        times: [...new Set(rows.map((r) => r.time_ns))].map(BigInt),
      },
    );
    const seen = new Set(found.map((r) => `${r.series_id}:${r.time_ns}`));
    const fresh = rows.filter((r) => {
      const key = `${r.series_id}:${r.time_ns}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    await this.db.insert('metric_points', fresh);
    return fresh.length;
  }

  async list(project: string, start: bigint, end: bigint): Promise<OtelMetricInfo[]> {
    this.assertOpen();
    const rows = await this.db.rows<{ name: string; series: string; series_count: string; points: string; last: string }>(
      `SELECT name, argMax(series, time_ns) AS series, uniqExact(series_id) AS series_count, count() AS points, max(time_ns) AS last
       FROM metric_points FINAL WHERE project = {project:String} AND time_ns >= {start:Int64} AND time_ns < {end:Int64}
       GROUP BY name ORDER BY name`,
      { project, start: String(start), end: String(end) },
    );
    return rows.map((r) => {
      const s = seriesOf(r.series);
      return {
        name: r.name,
        kind: s.kind,
        unit: s.unit,
        description: s.description,
        seriesCount: Number(r.series_count),
        pointCount: Number(r.points),
        lastTimeUnixNano: BigInt(r.last),
      };
    });
  }

  async scan(project: string, name: string, start: bigint, end: bigint, sink: MetricSink): Promise<void> {
    this.assertOpen();
    const params = { project, name, start: String(start), end: String(end) };
    const inRange = await this.db.rows<PointRow>(
      `SELECT ${POINT_COLUMNS}, series FROM metric_points FINAL
       WHERE project = {project:String} AND name = {name:String} AND time_ns >= {start:Int64} AND time_ns < {end:Int64}
       ORDER BY series_id, time_ns`,
      params,
    );
    if (inRange.length === 0) return;
    const before = await this.db.rows<PointRow>(
      `SELECT ${POINT_COLUMNS} FROM metric_points FINAL
       WHERE project = {project:String} AND name = {name:String} AND time_ns < {start:Int64} AND series_id IN {ids:Array(String)}
       ORDER BY time_ns DESC LIMIT 1 BY series_id`,
      { ...params, ids: [...new Set(inRange.map((r) => r.series_id))] },
    );
    const beforeOf = new Map(before.map((r) => [r.series_id, r]));
    let current: string | null = null;
    for (const r of inRange) {
      if (r.series_id !== current) {
        current = r.series_id;
        sink.series(seriesOf(r.series));
        const b = beforeOf.get(r.series_id);
        if (b) sink.point(rowToPoint(b), true);
      }
      sink.point(rowToPoint(r), false);
    }
  }

  async deleteBefore(project: string, before: bigint, most: number): Promise<number> {
    const rows = await this.db.rows<{ series_id: string; time_ns: string }>(
      `SELECT series_id, time_ns FROM metric_points FINAL WHERE project = {project:String} AND time_ns < {before:Int64}
       ORDER BY time_ns LIMIT {most:UInt32}`,
      { project, before: String(before), most },
    );
    if (rows.length === 0) return 0;
    // The oldest `most` points, and with them any point of those series and times (ties at the last time).
    const where =
      'project = {project:String} AND series_id IN {ids:Array(String)} AND time_ns IN {times:Array(Int64)} AND time_ns < {before:Int64}';
    const params = {
      project,
      before: String(before),
      ids: [...new Set(rows.map((r) => r.series_id))],
      times: [...new Set(rows.map((r) => BigInt(r.time_ns)))],
    };
    const [count] = await this.db.rows<{ n: string }>(`SELECT count() AS n FROM metric_points FINAL WHERE ${where}`, params);
    await this.db.delete('metric_points', where, params);
    return Number(count?.n ?? 0);
  }
}
