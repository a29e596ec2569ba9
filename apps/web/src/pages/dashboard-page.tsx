import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { type ComponentProps, type ReactNode, useMemo } from 'react';
import { getJson } from '../api/client';
import type { LlmCall, Metrics, MetricsSeries, Page } from '../api/types';
import { type ChartSeries, TimeChart } from '../components/chart';
import { ErrorState, Onboarding } from '../components/states';
import { TimeRangeSelect } from '../components/time-range-select';
import {
  exactCost,
  exactCount,
  formatCost,
  formatCostTick,
  formatCount,
  formatDuration,
  formatDurationTick,
  formatShare,
  NO_COST,
} from '../lib/format';
import { type RawSearch, str } from '../lib/search';
import { colorsByRank, ERROR_COLOR } from '../lib/series-colors';
import { allTimeStart, DEFAULT_RANGE, isRange, type RangeValue, rangeMs, rangeParam, startOf } from '../lib/time-range';

export interface DashboardSearch {
  range?: RangeValue;
  split?: 'model' | 'provider';
}

export function parseDashboardSearch(raw: Record<string, unknown>): DashboardSearch {
  const s = raw as RawSearch;
  const range = str(s, 'range');
  const split = str(s, 'split');
  return { range: isRange(range) ? range : undefined, split: split === 'provider' ? 'provider' : split === 'model' ? 'model' : undefined };
}

/** Seconds per series bucket. */
const BUCKET_SECONDS = { minute: 60, hour: 3600, day: 86_400 } as const;

/** Series split out by name; the rest of the calls are shown together. */
const TOP = 5;

const fmtCost = (v: number | null) => (v === null ? '—' : formatCost(v));
const fmtCount = (v: number | null) => (v === null ? '—' : formatCount(v));
const fmtMs = (v: number | null) => (v === null ? '—' : formatDuration(v));

/** Cost, calls, tokens, errors and latency over a range, split by model or provider; where the money goes. */
export function DashboardPage() {
  const search = useSearch({ from: '/dashboard' });
  const navigate = useNavigate({ from: '/dashboard' });
  const range = search.range ?? DEFAULT_RANGE;
  const split = search.split ?? 'model';
  const ms = rangeMs(range);
  const bucket = ms === null || ms > 2 * 86_400_000 ? 'day' : ms <= 3_600_000 ? 'minute' : 'hour';
  const start = startOf(range);
  const total = useQuery({
    queryKey: ['metrics', 'total', start],
    queryFn: ({ signal }) => getJson<Metrics>('/api/metrics', { start }, signal),
  });
  // All time: the charts start on the day of the oldest call (the series are daily, and a series has a start).
  const oldest = useQuery({
    queryKey: ['llm-calls', 'oldest'],
    queryFn: ({ signal }) => getJson<Page<LlmCall>>('/api/llm-calls', { order_by: 'timestamp:asc', limit: 1 }, signal),
    enabled: start === undefined,
  });
  const seriesStart = start ?? allTimeStart(oldest.data?.data[0]?.timestamp);
  // Series by minute, hour or day, split by model or provider; the API sums what falls beyond the top ones into "other":
  // the models with the most calls for the calls chart, and those that cost the most for the cost chart.
  const seriesBy = (rank: 'calls' | 'cost') => ({
    queryKey: ['series', bucket, split, seriesStart, rank],
    queryFn: ({ signal }: { signal: AbortSignal }) =>
      getJson<MetricsSeries>('/api/metrics/series', { start: seriesStart, bucket, split_by: split, limit: TOP, rank_by: rank }, signal),
    // Should the oldest call not be found, all time shows the last year.
    enabled: start !== undefined || !oldest.isPending,
  });
  const series = useQuery(seriesBy('calls'));
  const costSeries = useQuery(seriesBy('cost'));
  const groups = useQuery({
    queryKey: ['metrics', split, start],
    queryFn: ({ signal }) => getJson<Metrics>('/api/metrics', { start, group_by: split, limit: 100, rank_by: 'cost' }, signal),
  });
  // Over all time, for colours that stay with their model or provider whatever the range.
  const allTime = useQuery({
    queryKey: ['metrics', split, 'all time'],
    queryFn: ({ signal }) => getJson<Metrics>('/api/metrics', { group_by: split, limit: 100 }, signal),
    staleTime: 300_000,
  });
  const sessions = useQuery({
    queryKey: ['metrics', 'session', start],
    queryFn: ({ signal }) => getJson<Metrics>('/api/metrics', { start, group_by: 'session', limit: 10, rank_by: 'cost' }, signal),
  });
  const users = useQuery({
    queryKey: ['metrics', 'user', start],
    queryFn: ({ signal }) => getJson<Metrics>('/api/metrics', { start, group_by: 'user', limit: 10, rank_by: 'cost' }, signal),
  });

  const charts = useMemo(() => {
    const d = series.data;
    // Should the cost ranking fail, the cost chart shows the models with the most calls instead.
    const byCost = costSeries.data ?? (costSeries.isError ? d : undefined);
    // Drawn once the colours and the range's figures are known, so none changes under the reader's eyes.
    if (!d || !byCost || allTime.isPending || total.isPending) return null;
    const range = total.data?.total;
    // All time starts at the first call: the series do already, unless the oldest call could not be read
    // and they cover the last year, whose empty days before the first call are left out here.
    const firstCall =
      start === undefined
        ? Math.max(
            0,
            d.total.calls.findIndex((n) => n > 0),
          )
        : 0;
    const from = <T,>(values: readonly T[]) => values.slice(firstCall);
    // A model or provider keeps its colour from one range to the next (by its rank over all time); "other" is grey.
    const ranking = (allTime.data?.data ?? []).flatMap((r) => (r.key === null ? [] : [r.key]));
    const nameOf = (s: MetricsSeries['series'][number]) => (s.other ? 'other' : (s.key ?? 'unknown'));
    // Coloured together, so a model wears one colour in both charts and no two models share one.
    const named = (of: MetricsSeries) => of.series.filter((s) => !s.other).map(nameOf);
    const shown = [...new Set([...named(d), ...named(byCost)])];
    const colorOf = new Map(colorsByRank(ranking, shown, [named(d), named(byCost)]).map((c, i) => [shown[i], c]));
    const per = (of: MetricsSeries, pick: (s: MetricsSeries['series'][number]) => readonly (number | null)[]): ChartSeries[] => {
      const names = of.series.map(nameOf);
      // The two answers' buckets differ when the hour turned between them: values go by bucket, not place.
      const at = new Map(of.buckets.map((b, i) => [b, i]));
      const place = d.buckets.map((b) => at.get(b));
      return of.series.map((s, i) => ({
        label: names[i] as string,
        values: from(place.map((p) => (p === undefined ? null : (pick(s)[p] ?? null)))),
        other: s.other,
        color: s.other ? undefined : colorOf.get(names[i] as string),
      }));
    };
    return {
      times: from(d.buckets.map((b) => new Date(b).getTime() / 1000)),
      cost: per(byCost, (s) => s.cost_usd),
      calls: per(d, (s) => s.calls),
      tokens: [
        { label: 'input', values: from(d.total.input_tokens) },
        { label: 'output', values: from(d.total.output_tokens) },
      ],
      errors: [{ label: 'failed calls', values: from(d.total.errors), color: ERROR_COLOR }],
      // At rest the legends give the range's percentiles, as the figures above do, not the last bucket's.
      latency: [
        { label: 'p50', values: from(d.total.latency_ms.p50), kind: 'line' as const, whole: range?.latency_ms.p50 ?? null },
        { label: 'p95', values: from(d.total.latency_ms.p95), kind: 'line' as const, whole: range?.latency_ms.p95 ?? null },
      ],
      ttft: [
        { label: 'p50', values: from(d.total.ttft_ms.p50), kind: 'line' as const, whole: range?.ttft_ms.p50 ?? null },
        { label: 'p95', values: from(d.total.ttft_ms.p95), kind: 'line' as const, whole: range?.ttft_ms.p95 ?? null },
      ],
    };
  }, [series.data, costSeries.data, costSeries.isError, start, allTime.data, allTime.isPending, total.data, total.isPending]);
  /** A chart over the series' buckets; null while they load. */
  const chart = (props: Omit<ComponentProps<typeof TimeChart>, 'times' | 'bucketSeconds'>) =>
    charts ? <TimeChart times={charts.times} bucketSeconds={BUCKET_SECONDS[bucket]} {...props} /> : null;
  const t = total.data?.total;
  const nothing = total.data && total.data.total.calls === 0;

  return (
    <main className="page">
      <div className="page-header">
        <h1>Dashboard</h1>
        <span className="muted">what your LLM calls cost, how fast and how often they fail</span>
      </div>
      <div className="toolbar">
        <TimeRangeSelect value={range} onChange={(v) => navigate({ search: (prev) => ({ ...prev, range: rangeParam(v) }) })} />
        <select
          className="select"
          aria-label="Split by"
          value={split}
          onChange={(e) =>
            navigate({ search: (prev) => ({ ...prev, split: e.target.value === 'model' ? undefined : (e.target.value as 'provider') }) })
          }
        >
          <option value="model">Split by model</option>
          <option value="provider">Split by provider</option>
        </select>
        <span className="faint">per {bucket}</span>
      </div>
      {/* A failed request shows its error, not cards that look as if they were still loading. */}
      {total.isError ? (
        <ErrorState error={total.error} retry={() => void total.refetch()} />
      ) : nothing ? (
        <Onboarding title="No LLM calls in this range" />
      ) : (
        <>
          <div className="kpis">
            <Kpi
              label="Cost"
              value={t ? formatCost(t.cost_usd) : null}
              title={t ? `${exactCost(t.cost_usd)}; ${t.unpriced_calls} calls without a cost. ${NO_COST}` : undefined}
            />
            <Kpi label="LLM calls" value={t ? formatCount(t.calls) : null} title={t ? exactCount(t.calls) : undefined} />
            <Kpi
              label="Tokens in / out"
              value={t ? `${formatCount(t.input_tokens)} / ${formatCount(t.output_tokens)}` : null}
              title={t ? `cached input ${exactCount(t.cache_read_tokens)}, reasoning ${exactCount(t.reasoning_tokens)}` : undefined}
            />
            <Kpi label="Failed calls" value={t ? `${formatCount(t.errors)} (${formatShare(t.error_rate ?? 0)})` : null} />
            <Kpi label="Latency p50 / p95" value={t ? `${fmtMs(t.latency_ms.p50)} / ${fmtMs(t.latency_ms.p95)}` : null} />
            <Kpi label="TTFT p50 / p95" value={t ? `${fmtMs(t.ttft_ms.p50)} / ${fmtMs(t.ttft_ms.p95)}` : null} />
          </div>
          {start === undefined && oldest.isError ? (
            <p className="chart-note" role="note">
              The oldest call could not be read: the charts show the last year, the figures above all time.
            </p>
          ) : null}
          <div className="grid-2" style={{ marginBottom: 12 }}>
            <ChartCard
              title={`Cost by ${split}`}
              note={
                costSeries.isError
                  ? `The ${split}s that cost the most could not be read: these are the ones with the most calls.`
                  : undefined
              }
            >
              {chart({ series: charts?.cost ?? [], format: fmtCost, axisFormat: formatCostTick, stacked: true })}
            </ChartCard>
            <ChartCard title={`Calls by ${split}`}>{chart({ series: charts?.calls ?? [], format: fmtCount, stacked: true })}</ChartCard>
            <ChartCard title="Tokens">{chart({ series: charts?.tokens ?? [], format: fmtCount, stacked: true })}</ChartCard>
            <ChartCard title="Failed calls">{chart({ series: charts?.errors ?? [], format: fmtCount })}</ChartCard>
            <ChartCard title="Latency">{chart({ series: charts?.latency ?? [], format: fmtMs, axisFormat: formatDurationTick })}</ChartCard>
            <ChartCard title="Time to first token">
              {chart({ series: charts?.ttft ?? [], format: fmtMs, axisFormat: formatDurationTick })}
            </ChartCard>
          </div>
          <div className="grid-3">
            <TopTable
              title={`Most expensive ${split}s`}
              metrics={groups.data}
              by="cost"
              link={(k) => ({ to: '/calls', search: { [split]: k, range } })}
            />
            <TopTable
              title="Most expensive sessions"
              metrics={sessions.data}
              by="cost"
              link={(k) => ({ to: '/sessions/$sessionId', params: { sessionId: k } })}
            />
            <TopTable
              title="Most expensive users"
              metrics={users.data}
              by="cost"
              link={(k) => ({ to: '/calls', search: { user_id: k, range } })}
            />
          </div>
        </>
      )}
    </main>
  );
}

function Kpi({ label, value, title }: { label: string; value: string | null; title?: string }) {
  return (
    <div className="card kpi" title={title}>
      <div className="label">{label}</div>
      <div className="value">{value ?? <span className="skeleton" style={{ width: 80, height: 18 }} />}</div>
    </div>
  );
}

/** A dashboard card with its chart, or a skeleton of one while the series load. */
function ChartCard({ title, note, children }: { title: string; note?: string; children: ReactNode }) {
  return (
    <div className="card">
      <h2>{title}</h2>
      {note ? (
        <p className="chart-note" role="note">
          {note}
        </p>
      ) : null}
      {children ?? <div className="chart skeleton" style={{ display: 'block', height: 200, borderRadius: 6 }} />}
    </div>
  );
}

type LinkTarget = { to: string; params?: Record<string, string>; search?: Record<string, string> };

function TopTable({
  title,
  metrics,
  by,
  link,
}: {
  title: string;
  metrics: Metrics | undefined;
  by: 'cost';
  link: (key: string) => LinkTarget;
}) {
  const rows = [...(metrics?.data ?? [])]
    .filter((r) => r.key !== null)
    .sort((a, b) => (by === 'cost' ? b.cost_usd - a.cost_usd : 0))
    .slice(0, 8);
  return (
    <div className="card">
      <h2>{title}</h2>
      {!metrics ? (
        <span className="skeleton" style={{ width: '80%' }} />
      ) : rows.length === 0 ? (
        <span className="muted">None in this range.</span>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>Name</th>
              <th className="num">Calls</th>
              <th className="num">Cost</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const target = link(r.key as string);
              return (
                <tr key={r.key}>
                  <td style={{ maxWidth: 220, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                    {/* biome-ignore lint/suspicious/noExplicitAny: the target is one of the app's routes. */}
                    <Link {...(target as any)}>{r.key}</Link>
                  </td>
                  <td className="num">{formatCount(r.calls)}</td>
                  <td className="num" title={exactCost(r.cost_usd)}>
                    {formatCost(r.cost_usd)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
