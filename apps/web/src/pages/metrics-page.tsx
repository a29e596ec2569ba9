import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useMemo } from 'react';
import { getJson } from '../api/client';
import type { OtelMetric, OtelMetricInfo } from '../api/types';
import { type ChartSeries, TimeChart } from '../components/chart';
import { ErrorState, Onboarding, SkeletonRows } from '../components/states';
import { TimeRangeSelect } from '../components/time-range-select';
import { formatAgo, formatCount, UNKNOWN } from '../lib/format';
import { type RawSearch, str } from '../lib/search';
import { DEFAULT_RANGE, isRange, type RangeValue, rangeParam } from '../lib/time-range';

export interface MetricsSearch {
  range?: RangeValue;
  name?: string;
  group_by?: string;
}

export function parseMetricsSearch(raw: Record<string, unknown>): MetricsSearch {
  const s = raw as RawSearch;
  const range = str(s, 'range');
  return { range: isRange(range) ? range : undefined, name: str(s, 'name'), group_by: str(s, 'group_by') };
}

/** The API's `start` for a range ("all time" as ten years). */
const startOfRange = (range: RangeValue) => (range === 'all' ? '3650d' : range);

/** A figure with its unit, short: 1,234 tokens · 0.42 s · $1.20. */
function withUnit(v: number | null | undefined, unit: string | null): string {
  if (v === null || v === undefined) return UNKNOWN;
  const n = Math.abs(v) >= 100 || Number.isInteger(v) ? formatCount(v) : v.toPrecision(3);
  if (!unit || unit === '1') return n;
  if (unit === 'USD') return `$${Math.abs(v) < 0.01 ? v.toPrecision(2) : v.toFixed(2)}`;
  return `${n} ${unit.replace(/^\{(.*)\}$/, '$1')}`;
}

/** OTLP metrics: the list of what was received, and one metric summed into groups over time. */
export function MetricsPage() {
  const search = useSearch({ from: '/metrics' });
  const navigate = useNavigate({ from: '/metrics' });
  const range = search.range ?? DEFAULT_RANGE;
  const set = (patch: Partial<MetricsSearch>) => navigate({ search: (prev) => ({ ...prev, ...patch }) });
  const list = useQuery({
    queryKey: ['otel-metrics', range],
    queryFn: ({ signal }) => getJson<{ data: OtelMetricInfo[] }>('/api/otel-metrics', { start: startOfRange(range) }, signal),
    placeholderData: keepPreviousData,
  });
  const metrics = list.data?.data ?? [];
  const name = search.name ?? metrics[0]?.name;
  const detail = useQuery({
    queryKey: ['otel-metric', name, search.group_by, range],
    enabled: name !== undefined,
    queryFn: ({ signal }) =>
      getJson<OtelMetric>('/api/otel-metrics', { name, group_by: search.group_by, start: startOfRange(range), limit: 20 }, signal),
    placeholderData: keepPreviousData,
  });
  const m = detail.data;
  const chart = useMemo(() => {
    if (!m || m.groups.length === 0) return null;
    const times = (m.groups[0]?.points ?? []).map((p) => Date.parse(p.time) / 1000);
    const series: ChartSeries[] = m.groups.slice(0, 8).map((g) => ({
      label: keyText(g.key) || m.name,
      values: g.points.map((p) => p.value),
      kind: m.value === 'latest' ? 'line' : 'bars',
    }));
    return { times, series };
  }, [m]);
  const unit = m?.unit ?? null;
  // The chart's axis has room for a number only; the unit is in the heading.
  const format = useMemo(() => (v: number | null) => (unit === 'USD' ? withUnit(v, unit) : formatCount(v)), [unit]);
  const distribution = m?.kind === 'histogram' || m?.kind === 'exponential_histogram' || m?.kind === 'summary';
  return (
    <main className="page">
      <div className="page-header">
        <h1>OTel metrics</h1>
        <span className="muted">OTLP metrics your apps export to /v1/metrics: token usage, durations, costs, anything</span>
      </div>
      <div className="toolbar">
        <TimeRangeSelect value={range} onChange={(v) => set({ range: rangeParam(v) })} />
      </div>
      {list.isError ? <ErrorState error={list.error} retry={() => void list.refetch()} /> : null}
      {!list.isLoading && metrics.length === 0 && !list.isError ? (
        <Onboarding title="No metrics in this range" metrics>
          Point an OpenTelemetry metrics exporter at this server (OTEL_EXPORTER_OTLP_ENDPOINT, or …_METRICS_ENDPOINT ending in /v1/metrics):
          the GenAI client metrics (gen_ai.client.token.usage, gen_ai.client.operation.duration), a coding agent's cost and token counters,
          or your own.
        </Onboarding>
      ) : (
        <div className="metrics-layout">
          <div className="table-wrap">
            <table className="data" aria-label="Metrics">
              <thead>
                <tr>
                  <th>Metric</th>
                  <th>Kind</th>
                  <th className="num">Series</th>
                  <th>Last seen</th>
                </tr>
              </thead>
              <tbody>
                {list.isLoading ? <SkeletonRows cols={4} rows={6} /> : null}
                {metrics.map((x) => (
                  <tr
                    key={x.name}
                    className={x.name === name ? 'selected' : undefined}
                    onClick={() => set({ name: x.name, group_by: undefined })}
                    onKeyDown={(e) => e.key === 'Enter' && set({ name: x.name, group_by: undefined })}
                    tabIndex={0}
                    title={x.description}
                  >
                    <td className="mono">{x.name}</td>
                    <td className="muted">
                      {x.kind.replace('_', ' ')}
                      {x.unit && x.unit !== '1' ? ` · ${x.unit}` : ''}
                    </td>
                    <td className="num">{formatCount(x.series)}</td>
                    <td className="muted">{formatAgo(x.last_seen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {name ? (
            <div className="card metric-detail">
              <h2 className="mono">
                {name}
                {unit && unit !== '1' ? <span className="muted"> ({unit.replace(/^\{(.*)\}$/, '$1')})</span> : null}
              </h2>
              {m?.description ? <p className="muted">{m.description}</p> : null}
              <div className="toolbar">
                <input
                  className="input group-by"
                  aria-label="Group by attribute keys"
                  placeholder="Group by: attribute keys, comma-separated (e.g. gen_ai.token.type)"
                  defaultValue={search.group_by ?? ''}
                  key={`${name}-${search.group_by ?? ''}`}
                  onKeyDown={(e) => e.key === 'Enter' && set({ group_by: (e.target as HTMLInputElement).value.trim() || undefined })}
                />
                {m?.value ? (
                  <span className="muted">
                    {m.value === 'increase' ? 'value: the increase in the range' : 'value: the latest level'} · steps of{' '}
                    {m.step_seconds >= 3600
                      ? `${m.step_seconds / 3600} h`
                      : m.step_seconds >= 60
                        ? `${m.step_seconds / 60} min`
                        : `${m.step_seconds} s`}
                  </span>
                ) : null}
              </div>
              {detail.isError ? <ErrorState error={detail.error} retry={() => void detail.refetch()} /> : null}
              {chart ? <TimeChart times={chart.times} series={chart.series} format={format} stacked={m?.value === 'increase'} /> : null}
              {m && m.groups.length === 0 ? <p className="muted">No points of {name} in this range.</p> : null}
              {m && m.groups.length > 0 ? (
                <div className="metric-groups">
                  <table className="data" aria-label="Groups">
                    <thead>
                      <tr>
                        <th>Group</th>
                        <th className="num">Value</th>
                        {distribution ? (
                          <>
                            <th className="num">Count</th>
                            <th className="num">Mean</th>
                            <th className="num">p50</th>
                            <th className="num">p95</th>
                          </>
                        ) : null}
                        <th className="num">Series</th>
                      </tr>
                    </thead>
                    <tbody>
                      {m.groups.map((g) => (
                        <tr key={keyText(g.key)}>
                          <td className="mono">{keyText(g.key) || 'all'}</td>
                          <td className="num">{withUnit(g.value, unit)}</td>
                          {distribution ? (
                            <>
                              <td className="num">{formatCount(g.count ?? null)}</td>
                              <td className="num">{withUnit(g.avg, unit)}</td>
                              <td className="num">{withUnit(g.p50, unit)}</td>
                              <td className="num">{withUnit(g.p95, unit)}</td>
                            </>
                          ) : null}
                          <td className="num">{formatCount(g.series)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ) : null}
              {m?.truncated ? <p className="muted">Only the 20 largest groups are shown.</p> : null}
            </div>
          ) : null}
        </div>
      )}
    </main>
  );
}

function keyText(key: Record<string, unknown>): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}=${v === null ? UNKNOWN : String(v)}`)
    .join(' ');
}
