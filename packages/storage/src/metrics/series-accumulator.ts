import type { LlmCall } from '@sightline/core';
import type { GroupRank } from '../call-query.js';
import type { MetricsSeries, SeriesBucket, SeriesColumns, SeriesSplit } from '../metrics-series.js';
import { DEFAULT_SERIES } from '../metrics-series.js';
import { roundUsd } from '../trace-calls.js';
import { BUCKET_NS, compareGroups, MetricsGroup, metricsKey, timeBucket } from './metrics-accumulator.js';

/** The buckets `[from, to)` touches: the first one's start, the end of the last, and how many. */
export function seriesBuckets(from: bigint, to: bigint, bucket: SeriesBucket): { start: bigint; end: bigint; count: number } {
  const size = BUCKET_NS[bucket];
  const start = timeBucket(from, bucket);
  const end = to > from ? timeBucket(to - 1n, bucket) + size : start;
  return { start, end, count: Number((end - start) / size) };
}

/**
 * Metrics per (time bucket, split value), shaped into columns for charts: the `limit` values
 * with the most calls (or, by `rankBy`, the highest cost) as series of their own, the rest
 * summed into "other", and a total.
 * Backends feed it calls ({@link addCall}) or pre-aggregated groups ({@link cell}).
 */
export class SeriesAccumulator {
  readonly start: bigint;
  readonly end: bigint;
  private readonly size: bigint;
  private readonly count: number;
  private readonly cells = new Map<string | null, (MetricsGroup | undefined)[]>();

  constructor(
    readonly q: {
      readonly from: bigint;
      readonly to: bigint;
      readonly bucket: SeriesBucket;
      readonly splitBy?: SeriesSplit;
      readonly rankBy?: GroupRank;
    },
  ) {
    const b = seriesBuckets(q.from, q.to, q.bucket);
    this.start = b.start;
    this.end = b.end;
    this.count = b.count;
    this.size = BUCKET_NS[q.bucket];
  }

  /** The group of a bucket (given by any time in it) and split value; null for a time outside the buckets. */
  cell(at: bigint, key: string | null): MetricsGroup | null {
    if (at < this.start || at >= this.end) return null;
    const i = Number((at - this.start) / this.size);
    let row = this.cells.get(key);
    if (!row) this.cells.set(key, (row = new Array(this.count)));
    let g = row[i];
    if (!g) row[i] = g = new MetricsGroup();
    return g;
  }

  addCall(call: LlmCall): void {
    this.cell(call.timestamp, this.q.splitBy ? metricsKey(call, this.q.splitBy) : null)?.add(call);
  }

  result(limit = DEFAULT_SERIES): MetricsSeries {
    const ranked = [...this.cells]
      .map(([key, row]) => ({
        key,
        row,
        calls: row.reduce((n, g) => n + (g?.calls ?? 0), 0),
        costUsd: row.reduce((usd, g) => usd + (g?.costUsd ?? 0), 0),
      }))
      .filter((r) => r.calls > 0)
      .sort((a, b) => compareGroups(a.key, a, b.key, b, this.q.rankBy ?? 'calls'));
    const shown = this.q.splitBy ? ranked.slice(0, limit) : [];
    const rest = this.q.splitBy ? ranked.slice(limit) : [];
    const series = shown.map((r) => this.columns(r.key, false, r.row));
    if (rest.length)
      series.push(
        this.columns(
          null,
          true,
          merged(
            rest.map((r) => r.row),
            this.count,
          ),
        ),
      );
    const total = this.columns(
      null,
      false,
      merged(
        ranked.map((r) => r.row),
        this.count,
      ),
    );
    const buckets = Array.from({ length: this.count }, (_, i) => this.start + BigInt(i) * this.size);
    return { buckets, series, total };
  }

  private columns(key: string | null, other: boolean, row: (MetricsGroup | undefined)[]): SeriesColumns {
    const c: SeriesColumns = {
      key,
      other,
      calls: [],
      errors: [],
      inputTokens: [],
      outputTokens: [],
      costUsd: [],
      latencyP50: [],
      latencyP95: [],
      ttftP50: [],
      ttftP95: [],
    };
    for (let i = 0; i < this.count; i++) {
      const g = row[i];
      c.calls.push(g?.calls ?? 0);
      c.errors.push(g?.errors ?? 0);
      c.inputTokens.push(g?.inputTokens ?? 0);
      c.outputTokens.push(g?.outputTokens ?? 0);
      c.costUsd.push(g && g.pricedCalls > 0 ? roundUsd(g.costUsd) : null);
      c.latencyP50.push(g ? g.latency.quantile(0.5) : null);
      c.latencyP95.push(g ? g.latency.quantile(0.95) : null);
      c.ttftP50.push(g ? g.ttft.quantile(0.5) : null);
      c.ttftP95.push(g ? g.ttft.quantile(0.95) : null);
    }
    return c;
  }
}

/** Rows of groups merged bucket by bucket. */
function merged(rows: (MetricsGroup | undefined)[][], count: number): (MetricsGroup | undefined)[] {
  const out: (MetricsGroup | undefined)[] = new Array(count);
  for (const row of rows)
    for (let i = 0; i < count; i++) {
      const g = row[i];
      if (!g) continue;
      let m = out[i];
      if (!m) out[i] = m = new MetricsGroup();
      m.merge(g);
    }
  return out;
}
