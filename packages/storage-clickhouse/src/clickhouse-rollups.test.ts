import type { Span } from '@sightline/core';
import type { MetricsQuery } from '@sightline/storage';
import { buildSpan, ingestCalls, llmSpan } from '@sightline/storage/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { chdbEngine } from './chdb-engine.test-support.js';
import { HOUR_NS, outsideHoursSql } from './clickhouse-rollups.js';
import { ClickHouseStorage } from './clickhouse-storage.js';

/** Metrics from hourly rollups, checked against the same metrics read from every call, on a real engine (chdb). */
const TABLES = ['spans', 'span_search', 'traces', 'llm_calls', 'logs', 'llm_hour_rollups', 'llm_rollup_marks'];
const HOUR_MS = 3_600_000;

const engine = chdbEngine('rollups');
beforeEach(() => engine.empty(TABLES));

/** A collector whose rollups are made only when asked, and one that reads every call (the reference). */
const rolled = () => new ClickHouseStorage(engine.client, { ownsClient: false, rollupRefreshMs: 0 });
const reference = () => new ClickHouseStorage(engine.client, { ownsClient: false, metricRollups: false, rollupRefreshMs: 0 });

const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4-5'];
const PROVIDERS = ['openai', 'openai', 'anthropic'];

/** Traces over `hours` hours from `fromHour`, each a root and three calls of varied models, services, errors and cache reads. */
function traffic(hours: number, fromHour = 0, perHour = 3): Span[] {
  const spans: Span[] = [];
  for (let h = fromHour; h < fromHour + hours; h++)
    for (let t = 0; t < perHour; t++) {
      const startMs = h * HOUR_MS + t * 600_000 + 1_000;
      const service = t % 2 === 0 ? 'support-bot' : 'search-api';
      const root = buildSpan({ name: 'agent run', service, startMs, durationMs: 60_000 });
      spans.push(root);
      for (let i = 0; i < 3; i++) {
        const k = (h + t + i) % 3;
        spans.push(
          llmSpan({
            traceId: root.traceId,
            parentSpanId: root.spanId,
            service,
            startMs: startMs + 100 + i * 1_000,
            durationMs: 300 + 200 * i + 50 * t,
            model: MODELS[k],
            provider: PROVIDERS[k],
            input: 100 + 10 * i + h,
            output: 20 + t,
            cacheRead: i === 1 ? 40 : undefined,
            ttftS: 0.1 * (i + 1),
            status: (h + t + i) % 7 === 0 ? 'error' : undefined,
            operation: i === 2 ? 'text_completion' : undefined,
            served: i === 0 ? `${MODELS[k]}-2024-08-06` : undefined,
            // Some calls name no route.
            extra: t === 2 ? {} : { 'http.route': t === 0 ? '/v1/agent' : '/v1/search' },
          }),
        );
      }
    }
  return spans;
}

const write = (store: ClickHouseStorage, spans: Span[]) => store.writer.write([{ project: 'default', spans, calls: ingestCalls(spans) }]);

/** Every grouping and filter the rollups keep, and a range cutting hours in two. */
const QUERIES: Omit<MetricsQuery, 'project'>[] = [
  {},
  { groupBy: 'model' },
  { groupBy: 'provider' },
  { groupBy: 'service' },
  { groupBy: 'operation' },
  { groupBy: 'route' },
  { groupBy: 'hour' },
  { groupBy: 'day' },
  { groupBy: 'provider', service: 'support-bot' },
  { groupBy: 'service', model: 'gpt-4o' },
  { groupBy: 'model', provider: 'anthropic', operation: 'text_completion' },
  { groupBy: 'hour', route: '/v1/search' },
  { groupBy: 'model', model: 'gpt-4o-2024-08-06' },
];

/**
 * What both stores answer to every query of {@link QUERIES}, to series and to facets, side by
 * side; numbers to 12 significant digits (costs are summed in another order from the rollups).
 */
async function answers(store: ClickHouseStorage, range: { from?: bigint; to?: bigint } = {}) {
  const out: unknown[] = [];
  for (const q of QUERIES) out.push(await store.calls.metrics({ project: 'default', ...range, ...q }));
  const T0 = 1_714_564_800_000_000_000n;
  const series = { project: 'default', from: T0, to: T0 + 10n * 3_600_000_000_000n };
  out.push(await store.calls.metricsSeries({ ...series, bucket: 'hour', splitBy: 'model' }));
  out.push(await store.calls.metricsSeries({ ...series, bucket: 'day', splitBy: 'provider', service: 'search-api' }));
  out.push(await store.calls.facets({ project: 'default', ...range }));
  return JSON.parse(
    JSON.stringify(out, (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(12)) : typeof v === 'bigint' ? String(v) : v)),
  );
}

describe('metrics and facets from hourly rollups on ClickHouse', () => {
  it('give what reading every call gives, for every grouping and filter they keep', async () => {
    const store = rolled();
    await write(store, traffic(6));
    expect(await store.refreshRollups()).toBe(6);
    expect(await answers(store)).toEqual(await answers(reference()));
    // Nothing changed since: nothing to roll up again.
    expect(await store.refreshRollups()).toBe(0);
  });

  it('are what metrics and facets read once made: calls removed behind the store are still counted until their hour is marked', async () => {
    const store = rolled();
    await write(store, traffic(2));
    await store.refreshRollups();
    const before = await store.calls.metrics({ project: 'default' });
    const facets = await store.calls.facets({ project: 'default' });
    expect(before.total.calls).toBe(18);
    expect(facets.models.length).toBeGreaterThan(0);
    // Not the way Sightline deletes (that marks the hours): only to tell which source was read.
    await engine.client.command({ query: 'ALTER TABLE llm_calls DELETE WHERE 1 SETTINGS mutations_sync = 1' });
    expect((await store.calls.metrics({ project: 'default' })).total).toEqual(before.total);
    expect((await reference().calls.metrics({ project: 'default' })).total.calls).toBe(0);
    expect((await store.calls.facets({ project: 'default' })).models).toEqual(facets.models);
    expect((await reference().calls.facets({ project: 'default' })).models).toEqual([]);
  });

  it('count calls written after the hour was rolled up at once, before it is rolled up again', async () => {
    const store = rolled();
    await write(store, traffic(4));
    await store.refreshRollups();
    // More calls in two of those hours, and in a new one.
    await write(store, [...traffic(1, 1, 2), ...traffic(1, 3, 2), ...traffic(1, 7, 1)]);
    expect((await store.calls.metrics({ project: 'default' })).total.calls).toBe((12 + 5) * 3);
    expect(await answers(store)).toEqual(await answers(reference()));
    expect(await store.refreshRollups()).toBe(3);
    expect(await answers(store)).toEqual(await answers(reference()));
  });

  it('read the partial hours at a range’s edges from the calls', async () => {
    const store = rolled();
    await write(store, traffic(5));
    await store.refreshRollups();
    const T0 = 1_714_564_800_000_000_000n;
    const range = { from: T0 + 1_500_000_000_000n, to: T0 + 4n * 3_600_000_000_000n + 700_000_000_000n };
    expect(await answers(store, range)).toEqual(await answers(reference(), range));
  });

  it('follow deleted traces and repriced calls', async () => {
    const store = rolled();
    const spans = traffic(3);
    await write(store, spans);
    await store.refreshRollups();
    const roots = spans.filter((s) => s.parentSpanId === null).slice(0, 4);
    await store.purger.deleteTraces(
      'default',
      roots.map((r) => r.traceId),
    );
    expect(await answers(store)).toEqual(await answers(reference()));
    await store.refreshRollups();
    expect(await answers(store)).toEqual(await answers(reference()));
    await store.repricer.repriceCalls((call) => ({
      costUsd: (call.inputTokens ?? 0) * 0.5,
      costBreakdown: null,
      costSource: 'override',
      priceModel: 'test-price',
    }));
    expect((await store.calls.metrics({ project: 'default' })).total.costUsd).toBe(
      (await reference().calls.metrics({ project: 'default' })).total.costUsd,
    );
    expect(await answers(store)).toEqual(await answers(reference()));
  });

  it('stay exact with two collectors: one writes into an hour the other has just rolled up', async () => {
    const a = rolled();
    const b = rolled();
    await write(a, traffic(3));
    await b.refreshRollups();
    await write(a, traffic(1, 2, 2));
    expect(await answers(b)).toEqual(await answers(reference()));
    await Promise.all([a.refreshRollups(), b.refreshRollups(), write(b, traffic(1, 1, 1))]);
    expect(await answers(a)).toEqual(await answers(reference()));
    await a.refreshRollups();
    expect(await answers(b)).toEqual(await answers(reference()));
  });

  it('report a background refresh that fails, and are made again once it can be', async () => {
    const errors: unknown[] = [];
    const store = new ClickHouseStorage(engine.client, {
      ownsClient: false,
      rollupRefreshMs: 20,
      onRollupError: (err) => errors.push(err),
    });
    try {
      await engine.client.command({ query: 'RENAME TABLE llm_hour_rollups TO llm_hour_rollups_away' });
      await write(store, traffic(1));
      await expect.poll(() => errors.length, { timeout: 10_000 }).toBeGreaterThan(0);
    } finally {
      await engine.client.command({ query: 'RENAME TABLE llm_hour_rollups_away TO llm_hour_rollups' });
    }
    try {
      await expect.poll(rollupRows, { timeout: 10_000 }).toBe(1);
      expect(await answers(store)).toEqual(await answers(reference()));
    } finally {
      await store.close();
    }
  });

  it('are refused on a cluster, whose nodes would each bring their own clock', () => {
    expect(() => new ClickHouseStorage(engine.client, { ownsClient: false, cluster: 'prod', metricRollups: true })).toThrow(
      /not kept on a cluster/,
    );
  });

  it('are made in the background by a collector left to it', async () => {
    const store = new ClickHouseStorage(engine.client, { ownsClient: false, rollupRefreshMs: 50 });
    try {
      await write(store, traffic(2));
      await expect.poll(rollupRows, { timeout: 10_000 }).toBe(2);
      expect(await answers(store)).toEqual(await answers(reference()));
    } finally {
      await store.close();
    }
  });
});

async function rollupRows(): Promise<number> {
  const rs = await engine.client.query({ query: 'SELECT count() AS n FROM llm_hour_rollups FINAL', format: 'JSONEachRow' });
  return Number(((await rs.json()) as { n: string }[])[0]?.n);
}

describe('the calls outside the rolled-up hours', () => {
  it('are named by spans of time, so the index on the calls’ times can skip the rolled-up ones', () => {
    const H = HOUR_NS;
    expect(outsideHoursSql([13, 10, 11, 11])).toBe(
      `(timestamp_ns < ${10n * H} OR (timestamp_ns >= ${12n * H} AND timestamp_ns < ${13n * H}) OR timestamp_ns >= ${14n * H})`,
    );
    expect(outsideHoursSql([0])).toBe(`(timestamp_ns < 0 OR timestamp_ns >= ${H})`);
    // Every other hour of a week leaves too many spans between them: the hours are listed instead.
    expect(outsideHoursSql(Array.from({ length: 84 }, (_, i) => 2 * i))).toBeNull();
  });

  it('are exactly the calls whose hour is not one of them, to the nanosecond at each hour’s edges', async () => {
    // Times at, just before and just after each hour's start over 40 hours, and inside hours.
    const times = `arrayJoin(arrayFlatten(arrayMap(h -> [h * ${HOUR_NS} - 1, h * ${HOUR_NS}, h * ${HOUR_NS} + 1, h * ${HOUR_NS} + 1800000000000], range(1, 41))))`;
    const sets = [[5], [5, 6, 7], [1, 2, 3, 20, 22, 23, 40], [0, 39], Array.from({ length: 40 }, (_, i) => i + 1)];
    for (const hours of sets) {
      const outside = outsideHoursSql(hours) as string;
      const result = await engine.client.query({
        query: `SELECT countIf(${outside}) AS spans, countIf(intDiv(timestamp_ns, ${HOUR_NS}) NOT IN (${hours.join(', ')})) AS listed, count() AS all
                FROM (SELECT toInt64(${times}) AS timestamp_ns)`,
        format: 'JSONEachRow',
      });
      const [row] = (await result.json()) as { spans: string; listed: string; all: string }[];
      expect(row?.spans).toBe(row?.listed);
      expect(Number(row?.all)).toBe(160);
      expect(Number(row?.spans)).toBeLessThan(160);
    }
  });
});
