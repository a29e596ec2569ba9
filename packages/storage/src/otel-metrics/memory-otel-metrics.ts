import { encodeTypedJson, type MetricPoint } from '@sightline/core';
import type { MetricSeries, MetricSink, OtelMetricInfo, OtelMetricStore, StoredMetricPoint } from './otel-metric-store.js';
import { seriesIdentity } from './series-identity.js';

interface Entry {
  readonly project: string;
  readonly series: MetricSeries;
  /** Oldest first. */
  readonly points: StoredMetricPoint[];
}

/**
 * OTLP metrics in memory, for the memory store: at most `capacity` points, the oldest point of
 * all dropped first. A point already held (same series, same time) is kept once.
 */
export class MemoryOtelMetrics implements OtelMetricStore {
  private readonly series = new Map<string, Entry>();
  private size = 0;

  constructor(private readonly capacity: number) {}

  /** Stores a project's points; returns how many were new. */
  write(project: string, points: readonly MetricPoint[]): number {
    let stored = 0;
    for (const p of points) {
      const key = [project, encodeTypedJson(p.resource.attributes as never), p.scope.name, p.scope.version, seriesIdentity(p)].join(
        '\u0000',
      );
      let entry = this.series.get(key);
      if (!entry) {
        entry = { project, series: seriesOf(p), points: [] };
        this.series.set(key, entry);
      }
      if (insertInOrder(entry.points, storedPointOf(p))) {
        stored++;
        this.size++;
      }
    }
    while (this.size > this.capacity) this.dropOldest();
    return stored;
  }

  async list(project: string, start: bigint, end: bigint): Promise<OtelMetricInfo[]> {
    const byName = new Map<string, { info: OtelMetricInfo; series: number; points: number; last: bigint }>();
    for (const e of this.series.values()) {
      if (e.project !== project) continue;
      const inRange = e.points.filter((p) => p.timeUnixNano >= start && p.timeUnixNano < end);
      if (inRange.length === 0) continue;
      const last = (inRange.at(-1) as StoredMetricPoint).timeUnixNano;
      const s = e.series;
      const m = byName.get(s.name) ?? {
        info: { name: s.name, kind: s.kind, unit: s.unit, description: s.description, seriesCount: 0, pointCount: 0, lastTimeUnixNano: 0n },
        series: 0,
        points: 0,
        last: 0n,
      };
      m.series++;
      m.points += inRange.length;
      if (last > m.last) m.last = last;
      byName.set(s.name, m);
    }
    return [...byName.values()]
      .map((m) => ({ ...m.info, seriesCount: m.series, pointCount: m.points, lastTimeUnixNano: m.last }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async scan(project: string, name: string, start: bigint, end: bigint, sink: MetricSink): Promise<void> {
    for (const e of this.series.values()) {
      if (e.project !== project || e.series.name !== name) continue;
      const inRange = e.points.filter((p) => p.timeUnixNano >= start && p.timeUnixNano < end);
      if (inRange.length === 0) continue;
      sink.series(e.series);
      const before = e.points.filter((p) => p.timeUnixNano < start).at(-1);
      if (before) sink.point(before, true);
      for (const p of inRange) sink.point(p, false);
    }
  }

  /** Drops up to `most` of the project's points older than `before`; returns how many went. */
  deleteBefore(project: string, before: bigint, most: number): number {
    let removed = 0;
    for (const [key, e] of this.series) {
      if (e.project !== project) continue;
      while (removed < most && e.points.length > 0 && (e.points[0] as StoredMetricPoint).timeUnixNano < before) {
        e.points.shift();
        removed++;
        this.size--;
      }
      if (e.points.length === 0) this.series.delete(key);
      if (removed >= most) break;
    }
    return removed;
  }

  private dropOldest(): void {
    let oldest: Entry | null = null;
    let oldestKey = '';
    for (const [key, e] of this.series) {
      const first = e.points[0];
      if (first && (oldest === null || first.timeUnixNano < (oldest.points[0] as StoredMetricPoint).timeUnixNano)) {
        oldest = e;
        oldestKey = key;
      }
    }
    if (oldest === null) return;
    oldest.points.shift();
    this.size--;
    if (oldest.points.length === 0) this.series.delete(oldestKey);
  }
}

function seriesOf(p: MetricPoint): MetricSeries {
  const { name, description, unit, kind, temporality, monotonic, attributes, resource, scope } = p;
  return { name, description, unit, kind, temporality, monotonic, attributes, resource, scope };
}

function storedPointOf(p: MetricPoint): StoredMetricPoint {
  const { startTimeUnixNano, timeUnixNano, value, count, sum, min, max, distribution } = p;
  return { startTimeUnixNano, timeUnixNano, value, count, sum, min, max, distribution };
}

/** Inserts `p` in time order; false when a point of that time is already there. */
function insertInOrder(points: StoredMetricPoint[], p: StoredMetricPoint): boolean {
  let i = points.length;
  while (i > 0 && (points[i - 1] as StoredMetricPoint).timeUnixNano > p.timeUnixNano) i--;
  if (i > 0 && (points[i - 1] as StoredMetricPoint).timeUnixNano === p.timeUnixNano) return false;
  points.splice(i, 0, p);
  return true;
}
