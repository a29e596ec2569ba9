import type { LlmCall } from '@sightline/core';
import type { GroupRank, MetricsGroupBy } from '../call-query.js';
import type { MetricsResult, MetricsRow } from '../call-results.js';
import { roundUsd } from '../trace-calls.js';
import { QuantileSketch } from './quantile-sketch.js';

/** What metrics read of a call. */
export type CallFigures = Pick<
  LlmCall,
  | 'isError'
  | 'inputTokens'
  | 'outputTokens'
  | 'cacheReadTokens'
  | 'cacheWriteTokens'
  | 'reasoningTokens'
  | 'totalTokens'
  | 'costUsd'
  | 'durationMs'
  | 'ttftMs'
  | 'tokensPerS'
>;

/** Sums a store keeps per group, to be merged with {@link MetricsGroup.addSums}. */
export interface MetricsSums
  extends Pick<
    MetricsRow,
    'calls' | 'errors' | 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens' | 'reasoningTokens' | 'totalTokens'
  > {
  /** Sum over priced calls (0 when none is). */
  readonly costUsd: number;
  readonly pricedCalls: number;
}

const HOUR_NS = 3_600_000_000_000n;
const DAY_NS = 86_400_000_000_000n;

/** Nanoseconds per time bucket. */
export const BUCKET_NS = { minute: HOUR_NS / 60n, hour: HOUR_NS, day: DAY_NS } as const;

/** The start of the minute, UTC hour or day a time falls in. */
export function timeBucket(at: bigint, bucket: keyof typeof BUCKET_NS): bigint {
  const size = BUCKET_NS[bucket];
  return at - (((at % size) + size) % size);
}

/** The group a call falls in. */
export function metricsKey(call: LlmCall, groupBy: MetricsGroupBy): string | null {
  switch (groupBy) {
    case 'model':
      return call.model ?? call.requestModel;
    case 'provider':
      return call.provider;
    case 'service':
      return call.serviceName;
    case 'route':
      return call.routeName;
    case 'operation':
      return call.operation;
    case 'session':
      return call.sessionId;
    case 'user':
      return call.userId;
    case 'hour':
    case 'day':
      return String(timeBucket(call.timestamp, groupBy));
  }
}

/** Aggregates of one group of calls. */
export class MetricsGroup {
  calls = 0;
  errors = 0;
  inputTokens = 0;
  outputTokens = 0;
  cacheReadTokens = 0;
  cacheWriteTokens = 0;
  reasoningTokens = 0;
  totalTokens = 0;
  costUsd = 0;
  pricedCalls = 0;
  readonly latency = new QuantileSketch();
  readonly ttft = new QuantileSketch();
  readonly tokensPerS = new QuantileSketch();

  /** Adds a call (or with `sign` -1, takes one away). */
  add(call: CallFigures, sign = 1): void {
    this.calls += sign;
    if (call.isError) this.errors += sign;
    this.inputTokens += sign * (call.inputTokens ?? 0);
    this.outputTokens += sign * (call.outputTokens ?? 0);
    this.cacheReadTokens += sign * (call.cacheReadTokens ?? 0);
    this.cacheWriteTokens += sign * (call.cacheWriteTokens ?? 0);
    this.reasoningTokens += sign * (call.reasoningTokens ?? 0);
    this.totalTokens += sign * (call.totalTokens ?? 0);
    if (call.costUsd !== null) {
      this.costUsd += sign * call.costUsd;
      this.pricedCalls += sign;
    }
    this.latency.add(call.durationMs, sign);
    if (call.ttftMs !== null) this.ttft.add(call.ttftMs, sign);
    if (call.tokensPerS !== null) this.tokensPerS.add(call.tokensPerS, sign);
  }

  addSums(s: MetricsSums, sign = 1): void {
    this.calls += sign * s.calls;
    this.errors += sign * s.errors;
    this.inputTokens += sign * s.inputTokens;
    this.outputTokens += sign * s.outputTokens;
    this.cacheReadTokens += sign * s.cacheReadTokens;
    this.cacheWriteTokens += sign * s.cacheWriteTokens;
    this.reasoningTokens += sign * s.reasoningTokens;
    this.totalTokens += sign * s.totalTokens;
    this.costUsd += sign * s.costUsd;
    this.pricedCalls += sign * s.pricedCalls;
  }

  merge(other: MetricsGroup): void {
    this.addSums(other);
    this.latency.merge(other.latency);
    this.ttft.merge(other.ttft);
    this.tokensPerS.merge(other.tokensPerS);
  }

  toRow(key: string | null): MetricsRow {
    return {
      key,
      calls: this.calls,
      errors: this.errors,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      cacheReadTokens: this.cacheReadTokens,
      cacheWriteTokens: this.cacheWriteTokens,
      reasoningTokens: this.reasoningTokens,
      totalTokens: this.totalTokens,
      costUsd: this.pricedCalls > 0 ? roundUsd(this.costUsd) : null,
      unpricedCalls: this.calls - this.pricedCalls,
      latencyMs: { p50: this.latency.quantile(0.5), p95: this.latency.quantile(0.95), p99: this.latency.quantile(0.99) },
      ttftMs: { p50: this.ttft.quantile(0.5), p95: this.ttft.quantile(0.95) },
      tokensPerS: { p50: this.tokensPerS.quantile(0.5) },
    };
  }
}

export const DEFAULT_METRICS_GROUPS = 100;

/** Groups of calls being aggregated, and their total. */
export class MetricsAccumulator {
  readonly groups = new Map<string | null, MetricsGroup>();

  constructor(
    readonly groupBy: MetricsGroupBy | undefined,
    readonly rankBy: GroupRank = 'calls',
  ) {}

  group(key: string | null): MetricsGroup {
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = new MetricsGroup()));
    return g;
  }

  addCall(call: LlmCall): void {
    this.group(this.groupBy ? metricsKey(call, this.groupBy) : null).add(call);
  }

  /**
   * The rows: time buckets in time order, other groups by most calls — or highest cost, by
   * `rankBy` — then key; at most `limit` of them. The total covers every group, shown or not.
   */
  result(limit = DEFAULT_METRICS_GROUPS): MetricsResult {
    const total = new MetricsGroup();
    for (const g of this.groups.values()) total.merge(g);
    let entries = [...this.groups].filter(([, g]) => g.calls > 0);
    if (this.groupBy === 'hour' || this.groupBy === 'day') entries.sort((a, b) => (BigInt(a[0] ?? 0) < BigInt(b[0] ?? 0) ? -1 : 1));
    else entries.sort((a, b) => compareGroups(a[0], a[1], b[0], b[1], this.rankBy));
    if (!this.groupBy) entries = [];
    return { groups: entries.slice(0, limit).map(([key, g]) => g.toRow(key)), total: total.toRow(null) };
  }
}

/** The order of groups shown: most calls (or highest cost, unpriced as nothing, then most calls) first, then by key. */
export function compareGroups(aKey: string | null, a: GroupFigures, bKey: string | null, b: GroupFigures, rankBy: GroupRank): number {
  const byCost = rankBy === 'cost' ? b.costUsd - a.costUsd : 0;
  return byCost || b.calls - a.calls || String(aKey ?? '').localeCompare(String(bKey ?? ''));
}

/** What groups are ranked by. */
export interface GroupFigures {
  readonly calls: number;
  readonly costUsd: number;
}
