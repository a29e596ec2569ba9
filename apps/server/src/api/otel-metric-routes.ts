import { nanosToIso } from '@sightline/core';
import { MetricAggregator, type MetricResult, type OtelMetricStore } from '@sightline/storage';
import { HttpError } from '../http/http-error.js';
import { sendJson } from '../http/respond.js';
import type { Router } from '../http/router.js';
import type { Ingest } from '../ingest/ingest.js';
import { valueToJson } from './json-values.js';
import { parseMetricListQuery, parseMetricQuery } from './otel-metric-query.js';

/**
 * `GET /api/otel-metrics`: without `name`, the metrics received in the range; with it, that
 * metric summed into groups (see `MetricAggregator` for what each kind's value means).
 */
export function addOtelMetricRoutes(router: Router, store: OtelMetricStore | undefined, ingest: Ingest): void {
  router.add('GET', '/api/otel-metrics', async ({ req, res, url }) => {
    const metrics = requireMetrics(store);
    const project = ingest.projectOf(req);
    if (!url.searchParams.has('name')) {
      const { start, end } = parseMetricListQuery(url.searchParams);
      const list = await metrics.list(project, start, end);
      sendJson(res, 200, {
        start: nanosToIso(start),
        end: nanosToIso(end),
        data: list.map((m) => ({
          name: m.name,
          kind: m.kind,
          unit: m.unit,
          description: m.description,
          series: m.seriesCount,
          points: m.pointCount,
          last_seen: nanosToIso(m.lastTimeUnixNano),
        })),
      });
      return;
    }
    const { name, aggregation } = parseMetricQuery(url.searchParams);
    const aggregator = new MetricAggregator(aggregation);
    await metrics.scan(project, name, aggregation.startUnixNano, aggregation.endUnixNano, aggregator);
    const result = aggregator.result();
    sendJson(res, 200, {
      name,
      start: nanosToIso(aggregation.startUnixNano),
      end: nanosToIso(aggregation.endUnixNano),
      step_seconds: Number(aggregation.stepNanos / 1_000_000_000n),
      group_by: aggregation.groupBy,
      ...(result ? resultToJson(result) : EMPTY),
    });
  });
}

/** A metric with no points in the range. */
const EMPTY = {
  kind: null,
  unit: null,
  description: null,
  temporality: null,
  monotonic: null,
  value: null,
  groups: [],
  truncated: false,
  other_kind_series: 0,
};

function resultToJson(r: MetricResult) {
  const distribution = r.kind === 'histogram' || r.kind === 'exponential_histogram' || r.kind === 'summary';
  return {
    kind: r.kind,
    unit: r.unit,
    description: r.description,
    temporality: r.temporality,
    monotonic: r.monotonic,
    value: r.value,
    groups: r.groups.map((g) => ({
      key: Object.fromEntries(Object.entries(g.key).map(([k, v]) => [k, valueToJson(v)])),
      series: g.series,
      value: g.value,
      ...(distribution ? { count: g.count, sum: g.sum, avg: g.avg } : {}),
      min: g.min,
      max: g.max,
      ...(distribution ? { p50: g.p50, p95: g.p95, p99: g.p99 } : {}),
      points: g.points.map((p) =>
        distribution
          ? { time: nanosToIso(p.timeUnixNano), value: p.value, count: p.count }
          : { time: nanosToIso(p.timeUnixNano), value: p.value },
      ),
    })),
    truncated: r.truncated,
    other_kind_series: r.otherKindSeries,
  };
}

function requireMetrics(store: OtelMetricStore | undefined): OtelMetricStore {
  if (!store) throw new HttpError(501, 'unavailable', 'this store keeps no OTLP metrics');
  return store;
}
