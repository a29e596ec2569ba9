import { nanosToIso } from '@sightline/core';
import {
  type Facets,
  type FacetsQuery,
  facetHours,
  type MetricsSeries,
  type MetricsSeriesQuery,
  type SeriesColumns,
} from '@sightline/storage';
import type { Json } from './json-values.js';

type JsonObject = { [key: string]: Json };

/** A series as the API returns it: bucket starts, then per series one array per figure, parallel to them. */
export function seriesToJson(s: MetricsSeries, q: MetricsSeriesQuery): JsonObject {
  const columns = (c: SeriesColumns): JsonObject => ({
    key: c.key,
    other: c.other,
    calls: c.calls,
    errors: c.errors,
    input_tokens: c.inputTokens,
    output_tokens: c.outputTokens,
    cost_usd: c.costUsd,
    latency_ms: { p50: c.latencyP50, p95: c.latencyP95 },
    ttft_ms: { p50: c.ttftP50, p95: c.ttftP95 },
  });
  const { key: _key, other: _other, ...total } = columns(s.total);
  return {
    bucket: q.bucket,
    split_by: q.splitBy ?? null,
    rank_by: q.rankBy ?? 'calls',
    buckets: s.buckets.map(nanosToIso),
    series: s.series.map(columns),
    total,
  };
}

export function facetsToJson(f: Facets, q: FacetsQuery): JsonObject {
  const range = facetHours(q.from, q.to);
  const values = (list: Facets['services']): Json => list.map((v) => ({ value: v.value, count: v.count }));
  return {
    start: range.from === null ? null : nanosToIso(range.from),
    end: range.to === null ? null : nanosToIso(range.to),
    services: values(f.services),
    span_names: values(f.spanNames),
    models: values(f.models),
    providers: values(f.providers),
    operations: values(f.operations),
    routes: values(f.routes),
    users: f.users,
    sessions: f.sessions,
  };
}
