import { builtInPrices, Pricer, PriceTable, type Span } from '@sightline/core';
import { describe, expect, it } from 'vitest';
import type { MetricsGroupBy, MetricsQuery } from '../call-query.js';
import type { MetricsRow } from '../call-results.js';
import { InvalidCursorError } from '../errors.js';
import type { FacetsQuery } from '../facets.js';
import type { MetricsSeriesQuery } from '../metrics-series.js';
import type { Storage } from '../storage.js';
import { ingestCalls, llmSpan } from './call-conformance.js';
import { purgerOf, repricerOf } from './capabilities.js';
import { buildSpan, T0 } from './span-builder.js';

const MS = 1_000_000n;
const H = 3_600_000;
/** 2024-05-01T00:00:00Z, the day T0 falls in, in ms after T0. */
const DAY0 = -12 * H;
const at = (day: number, hour: number, minute = 0) => DAY0 + day * 24 * H + hour * H + minute * 60_000;
const ns = (ms: number) => T0 + BigInt(ms) * MS;

/** A time within 1.1% (what the sketches promise). */
function near(got: number | null | undefined, want: number): void {
  expect(got).not.toBeNull();
  expect(Math.abs((got as number) - want) / want).toBeLessThanOrEqual(0.011);
}

/** The nearest-rank quantile of `values`. */
function rankQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;
}

/** The cases the web UI's Sessions and Dashboard pages rely on: session pages, metrics by session and user, series, facets. */
export function describeDashboardConformance(getStore: () => Storage): void {
  const write = (spans: Span[], project = 'default') => getStore().writer.write([{ project, spans, calls: ingestCalls(spans) }]);
  const session = (sessionId: string, q: { limit?: number; cursor?: string; order?: 'asc' | 'desc' } = {}) =>
    getStore().calls.getSession({ project: 'default', sessionId, ...q });

  describe('session pages', () => {
    // Three traces that overlap in time: A runs long, B and C start while it runs.
    const setup = async () => {
      const a = buildSpan({ name: 'turn A', startMs: 0, durationMs: 11_000 });
      const b = buildSpan({ name: 'turn B', startMs: 1000, durationMs: 1500 });
      const c = buildSpan({ name: 'turn C', startMs: 3000, durationMs: 9500 });
      const call = (trace: Span, startMs: number, input: number) =>
        llmSpan({
          traceId: trace.traceId,
          parentSpanId: trace.spanId,
          startMs,
          durationMs: 100,
          session: 'conv',
          user: 'ann',
          input,
          output: 1,
        });
      const calls = [
        call(a, 0, 1),
        call(b, 1000, 2),
        call(b, 2000, 3),
        call(c, 3000, 4),
        call(a, 5000, 5),
        call(a, 10_000, 6),
        call(c, 12_000, 7),
      ];
      await write([a, b, c, ...calls]);
      return { traces: [a, b, c], calls: calls.map((s) => s.spanId) };
    };

    const walk = async (order: 'asc' | 'desc', limit: number) => {
      const pages: { calls: string[]; traces: string[] }[] = [];
      let cursor: string | undefined;
      do {
        const page = await session('conv', { order, limit, cursor });
        expect(page).not.toBeNull();
        pages.push({ calls: page?.calls.map((c) => c.spanId) ?? [], traces: page?.traces.map((t) => t.traceId) ?? [] });
        cursor = page?.nextCursor ?? undefined;
      } while (cursor);
      return pages;
    };

    it('gives a small session whole on the first page, in time order, with no next cursor', async () => {
      const { traces, calls } = await setup();
      const page = await session('conv');
      expect(page?.calls.map((c) => c.spanId)).toEqual(calls);
      expect(page?.traces.map((t) => t.traceId)).toEqual(traces.map((t) => t.traceId));
      expect(page?.nextCursor).toBeNull();
      expect(page?.summary).toMatchObject({ sessionId: 'conv', traceCount: 3, callCount: 7, inputTokens: 28 });
      expect(page?.calls[0]).toMatchObject({ sessionId: 'conv', inputTokens: 1, counted: true });
    });

    it('walks every call once, page by page, in either order, with each page’s traces', async () => {
      const { traces, calls } = await setup();
      const [a, b, c] = traces.map((t) => t.traceId);
      const asc = await walk('asc', 2);
      expect(asc.map((p) => p.calls)).toEqual([calls.slice(0, 2), calls.slice(2, 4), calls.slice(4, 6), calls.slice(6)]);
      expect(asc.map((p) => p.traces)).toEqual([[a, b], [b, c], [a], [c]]);
      const desc = await walk('desc', 3);
      expect(desc.flatMap((p) => p.calls)).toEqual([...calls].reverse());
      expect(desc.map((p) => p.traces)).toEqual([[c, a], [c, b], [a]]);
      expect((await walk('asc', 1)).flatMap((p) => p.calls)).toEqual(calls);
      expect((await walk('desc', 7)).map((p) => p.calls.length)).toEqual([7]);
    });

    it('refuses a cursor that is not one, or is from the other order', async () => {
      await setup();
      const first = await session('conv', { limit: 2 });
      await expect(session('conv', { cursor: 'nope' })).rejects.toThrow(InvalidCursorError);
      await expect(session('conv', { cursor: first?.nextCursor as string, order: 'desc' })).rejects.toThrow(InvalidCursorError);
      expect(await session('nope', { limit: 2 })).toBeNull();
    });
  });

  describe('metrics by session and user', () => {
    // Calls over three UTC days, cut by the ranges below at hours and days. Input tokens are
    // powers of two, so a sum names the calls in it.
    const specs = [
      { ms: at(0, 1, 10), session: 's1', user: 'ann', durationMs: 100 },
      { ms: at(0, 12), session: 's2', user: 'bob', durationMs: 1000 },
      { ms: at(0, 23, 50), session: 's1', user: 'ann', durationMs: 200 },
      { ms: at(1, 0, 20), session: 's1', user: 'ann', durationMs: 300 },
      { ms: at(1, 6), user: 'ann', durationMs: 50 },
      { ms: at(1, 12, 30), session: 's2', user: 'bob', durationMs: 2000, status: 'error' as const },
      { ms: at(1, 23, 59), session: 's1', user: 'bob', durationMs: 600, ttftS: 0.2 },
      { ms: at(2, 5), session: 's1', durationMs: 400, ttftS: 0.1 },
    ].map((s, i) => ({ ...s, input: 2 ** i }));
    const setup = () =>
      write(
        specs.map((s) =>
          llmSpan({
            startMs: s.ms,
            durationMs: s.durationMs,
            session: s.session,
            user: s.user,
            input: s.input,
            output: 1,
            status: s.status,
            ttftS: s.ttftS,
          }),
        ),
      );
    /** What the groups must be: [key, calls, input tokens, errors], most calls first, then by key. */
    const expected = (groupBy: 'session' | 'user', from?: number, to?: number) => {
      const groups = new Map<string | null, { calls: number; input: number; errors: number }>();
      for (const s of specs) {
        if ((from !== undefined && s.ms < from) || (to !== undefined && s.ms >= to)) continue;
        const key = (groupBy === 'session' ? s.session : s.user) ?? null;
        const g = groups.get(key) ?? { calls: 0, input: 0, errors: 0 };
        groups.set(key, { calls: g.calls + 1, input: g.input + s.input, errors: g.errors + (s.status ? 1 : 0) });
      }
      return [...groups]
        .sort((a, b) => b[1].calls - a[1].calls || String(a[0] ?? '').localeCompare(String(b[0] ?? '')))
        .map(([key, g]) => [key, g.calls, g.input, g.errors]);
    };
    const metrics = (q: Partial<MetricsQuery>) => getStore().calls.metrics({ project: 'default', ...q });
    const rows = (groups: MetricsRow[]) => groups.map((g) => [g.key, g.calls, g.inputTokens, g.errors]);
    const ranges: [number | undefined, number | undefined][] = [
      [undefined, undefined],
      [at(0, 1, 30), at(2, 4, 59)],
      [at(1, 0), at(2, 0)],
      [at(0, 23), at(1, 1)],
      [at(0, 23, 55), at(1, 0, 25)],
      [at(1, 0, 20), undefined],
      [undefined, at(1, 23, 59)],
      [at(0, 12, 30), at(0, 13)],
    ];

    it('groups by session and user over ranges that cut hours and days, like the calls themselves', async () => {
      await setup();
      for (const groupBy of ['session', 'user'] as const) {
        for (const [from, to] of ranges) {
          const q = { groupBy, from: from === undefined ? undefined : ns(from), to: to === undefined ? undefined : ns(to) };
          const result = await metrics(q);
          expect(rows(result.groups), `${groupBy} ${from} ${to}`).toEqual(expected(groupBy, from, to));
          const want = expected(groupBy, from, to);
          expect(result.total.calls).toBe(want.reduce((n, g) => n + (g[1] as number), 0));
          // Each group agrees with the call filter for its key (which reads the calls).
          for (const g of result.groups) {
            if (g.key === null) continue;
            const alone = (await metrics({ from: q.from, to: q.to, [groupBy === 'session' ? 'sessionId' : 'userId']: g.key })).total;
            expect({ ...g, key: null }).toEqual(alone);
          }
        }
      }
    });

    it('gives every figure and percentile of a session and user, and limits the groups', async () => {
      await setup();
      const s1 = (await metrics({ groupBy: 'session' })).groups.find((g) => g.key === 's1');
      const durations = specs.filter((s) => s.session === 's1').map((s) => s.durationMs);
      expect(s1).toMatchObject({ calls: 5, errors: 0, outputTokens: 5, unpricedCalls: 0 });
      near(s1?.latencyMs.p50, rankQuantile(durations, 0.5));
      near(s1?.latencyMs.p95, rankQuantile(durations, 0.95));
      near(s1?.ttftMs.p50, 100);
      near(s1?.ttftMs.p95, 200);
      expect(s1?.costUsd).toBeGreaterThan(0);
      const users = await metrics({ groupBy: 'user', limit: 1 });
      expect(rows(users.groups)).toEqual(expected('user').slice(0, 1));
      expect(users.total.calls).toBe(specs.length);
    });

    it('ranks the groups by cost when asked, over whole days and cut hours alike', async () => {
      await setup();
      // ann makes the most calls (4) but the smallest ones; the call without a user is the dearest.
      const keys = async (q: Partial<MetricsQuery>) => (await metrics({ groupBy: 'user', ...q })).groups.map((g) => g.key);
      expect(await keys({})).toEqual(['ann', 'bob', null]);
      expect(await keys({ rankBy: 'cost' })).toEqual([null, 'bob', 'ann']);
      expect(await keys({ rankBy: 'cost', limit: 1 })).toEqual([null]);
      // From 01:30 on day 0 to 23:00 on day 1: ann's 3 calls (28 input tokens) cost less than bob's 2 (34).
      const cut = { from: ns(at(0, 1, 30)), to: ns(at(1, 23)) };
      expect(await keys(cut)).toEqual(['ann', 'bob']);
      expect(await keys({ ...cut, rankBy: 'cost', limit: 1 })).toEqual(['bob']);
    });

    it('follows repricing and expiry', async () => {
      const keep = llmSpan({ model: 'gpt-4o', input: 1_000_000, output: 0, session: 'p', user: 'u' });
      const gone = llmSpan({ model: 'gpt-4o', input: 1_000_000, output: 0, session: 'p', user: 'u', startMs: 10 });
      await getStore().writer.write([
        { project: 'default', spans: [keep], calls: ingestCalls([keep]) },
        { project: 'default', spans: [gone], calls: ingestCalls([gone]), expiresAtUnixNano: 1000n },
      ]);
      const by = async (groupBy: MetricsGroupBy) => (await metrics({ groupBy })).groups.map((g) => [g.key, g.calls, g.costUsd]);
      expect(await by('user')).toEqual([['u', 2, 10]]);
      const overrides = new PriceTable({ entries: [{ model: 'gpt-4o', platform: null, mode: 'chat', from: null, input: 1, output: 1 }] });
      const withOverrides = new Pricer(builtInPrices(), overrides);
      await repricerOf(getStore()).repriceCalls((c) => withOverrides.price(c));
      expect(await by('session')).toEqual([['p', 2, 2]]);
      await purgerOf(getStore()).deleteExpired(1000n);
      expect(await by('user')).toEqual([['u', 1, 1]]);
      expect(await by('session')).toEqual([['p', 1, 1]]);
      near((await metrics({ groupBy: 'user' })).groups[0]?.latencyMs.p50, 1000);
    });
  });

  describe('metrics series', () => {
    // Three hours from T0: gpt-4o-mini in every hour, claude in the first and third, a private
    // model (unpriced) and an embedding model once each.
    const setup = async () => {
      const spans: Span[] = [];
      for (let i = 0; i < 10; i++)
        spans.push(llmSpan({ startMs: i * 60_000, durationMs: 100 * (i + 1), input: 10, output: 1, ttftS: 0.05 }));
      for (let i = 0; i < 4; i++)
        spans.push(llmSpan({ startMs: H + i * 1000, durationMs: 500, input: 20, output: 2, status: i === 0 ? 'error' : undefined }));
      for (let i = 0; i < 3; i++)
        spans.push(
          llmSpan({ startMs: i * 1000, model: 'claude-sonnet-4-5', provider: 'anthropic', durationMs: 1000, input: 100, output: 10 }),
        );
      spans.push(
        llmSpan({ startMs: 2 * H + 5, model: 'claude-sonnet-4-5', provider: 'anthropic', durationMs: 1000, input: 100, output: 10 }),
      );
      spans.push(llmSpan({ startMs: 2 * H + 10, model: 'private-model', input: 1, output: 1 }));
      spans.push(
        llmSpan({ startMs: 2 * H + 20, model: 'text-embedding-3-small', operation: 'embeddings', input: 7, extra: { tenant: 'acme' } }),
      );
      await write(spans);
    };
    const series = (q: Partial<MetricsSeriesQuery>) =>
      getStore().calls.metricsSeries({ project: 'default', from: T0, to: T0 + 3n * BigInt(H) * MS, bucket: 'hour', ...q });

    it('splits calls, errors, tokens, cost and percentiles per hour by model, the rest as “other”', async () => {
      await setup();
      const s = await series({ splitBy: 'model', limit: 2 });
      expect(s.buckets).toEqual([T0, T0 + BigInt(H) * MS, T0 + 2n * BigInt(H) * MS]);
      expect(s.series.map((x) => [x.key, x.other, x.calls])).toEqual([
        ['gpt-4o-mini', false, [10, 4, 0]],
        ['claude-sonnet-4-5', false, [3, 0, 1]],
        [null, true, [0, 0, 2]],
      ]);
      const mini = s.series[0];
      expect(mini?.errors).toEqual([0, 1, 0]);
      expect(mini?.inputTokens).toEqual([100, 80, 0]);
      expect(mini?.outputTokens).toEqual([10, 8, 0]);
      expect(mini?.costUsd[0]).toBeCloseTo(10 * (10 * 0.15e-6 + 1 * 0.6e-6), 12);
      expect(mini?.costUsd[2]).toBeNull();
      near(mini?.latencyP50[0], 500);
      near(mini?.latencyP95[0], 1000);
      near(mini?.ttftP50[0], 50);
      expect(mini?.ttftP50[1]).toBeNull();
      expect(mini?.latencyP50[2]).toBeNull();
      const other = s.series[2];
      expect(other?.inputTokens).toEqual([0, 0, 8]);
      expect(s.total.calls).toEqual([13, 4, 3]);
      expect(s.total.key).toBeNull();
      expect((await series({ splitBy: 'provider' })).series.map((x) => [x.key, x.calls])).toEqual([
        ['openai', [10, 4, 2]],
        ['anthropic', [3, 0, 1]],
      ]);
      expect((await series({})).series).toEqual([]);
    });

    it('gives a series of its own to the values that cost the most, when asked', async () => {
      await setup();
      // Claude's 4 calls cost more than gpt-4o-mini's 14; the unpriced model costs nothing known.
      const keys = async (q: Partial<MetricsSeriesQuery>) => (await series({ splitBy: 'model', ...q })).series.map((x) => x.key);
      expect(await keys({ limit: 1 })).toEqual(['gpt-4o-mini', null]);
      expect(await keys({ limit: 1, rankBy: 'cost' })).toEqual(['claude-sonnet-4-5', null]);
      expect(await keys({ rankBy: 'cost' })).toEqual(['claude-sonnet-4-5', 'gpt-4o-mini', 'text-embedding-3-small', 'private-model']);
    });

    it('buckets by hour, minute or day but sums only the calls in the range, and filters like the call list', async () => {
      await setup();
      // From minute 5 (five of the first hour's calls and claude's three fall before it) to 15 ms into the third hour.
      const cut = await series({ from: T0 + 5n * 60_000n * MS, to: T0 + 2n * BigInt(H) * MS + 15n * MS, splitBy: 'model' });
      expect(cut.buckets).toEqual([T0, T0 + BigInt(H) * MS, T0 + 2n * BigInt(H) * MS]);
      expect(cut.total.calls).toEqual([5, 4, 2]);
      // As the totals over the same range say.
      const sums = await getStore().calls.metrics({
        project: 'default',
        from: T0 + 5n * 60_000n * MS,
        to: T0 + 2n * BigInt(H) * MS + 15n * MS,
      });
      expect(sums.total.calls).toBe(11);
      // Within one hour, by hour: only the calls of the range (minutes 2 to 6).
      const inOneHour = await series({ from: T0 + 2n * 60_000n * MS, to: T0 + 7n * 60_000n * MS });
      expect(inOneHour.total.calls).toEqual([5]);
      // By minute (read from the calls, rollups being hourly): the first hour's calls, one a minute.
      const minutes = await series({ bucket: 'minute', from: T0 + 5n * 60_000n * MS, to: T0 + 12n * 60_000n * MS });
      expect(minutes.buckets).toHaveLength(7);
      expect(minutes.buckets[0]).toBe(T0 + 5n * 60_000n * MS);
      expect(minutes.total.calls).toEqual([1, 1, 1, 1, 1, 0, 0]);
      const days = await series({ bucket: 'day', from: T0 - 24n * BigInt(H) * MS, to: T0 + 3n * BigInt(H) * MS });
      expect(days.buckets).toEqual([ns(DAY0 - 24 * H), ns(DAY0)]);
      expect(days.total.calls).toEqual([0, 20]);
      expect((await series({ provider: 'anthropic', splitBy: 'model' })).series.map((x) => x.key)).toEqual(['claude-sonnet-4-5']);
      const acme = await series({ attributes: [{ target: 'span', key: 'tenant', op: 'eq', value: 'acme' }], splitBy: 'operation' });
      expect(acme.series.map((x) => [x.key, x.calls])).toEqual([['embeddings', [0, 0, 1]]]);
      expect((await series({ status: 'error' })).total.calls).toEqual([0, 1, 0]);
      expect((await series({ project: 'other' })).total.calls).toEqual([0, 0, 0]);
    });
  });

  describe('facets', () => {
    const facets = (q: Partial<FacetsQuery> = {}) => getStore().calls.facets({ project: 'default', ...q });
    const setup = async () => {
      const root = buildSpan({ name: 'agent.run', service: 'api', startMs: 0, durationMs: 5000 });
      const spans: Span[] = [
        root,
        llmSpan({ traceId: root.traceId, parentSpanId: root.spanId, service: 'api', startMs: 1, session: 'a', user: 'ann' }),
        llmSpan({ traceId: root.traceId, parentSpanId: root.spanId, service: 'api', startMs: 2, session: 'a', user: 'bob' }),
        llmSpan({ service: 'worker', startMs: H - 1, model: 'claude-sonnet-4-5', provider: 'anthropic', session: 'b', user: 'ann' }),
        buildSpan({ name: 'llm', service: 'gw', startMs: H + 10, attributes: { 'plano.route.name': 'support', 'llm.model': 'gpt-4o' } }),
        buildSpan({ name: 'db.query', service: 'worker', startMs: 3 * H }),
        llmSpan({ service: 'worker', startMs: 3 * H + 5, model: 'text-embedding-3-small', operation: 'embeddings', user: 'cy' }),
      ];
      await write(spans);
      await write([buildSpan({ name: 'elsewhere', service: 'other-project' })], 'other');
    };

    it('lists the services, span names, models, providers, operations and routes of a range, and counts users and sessions', async () => {
      await setup();
      const all = await facets();
      expect(all.services).toEqual([
        { value: 'api', count: 3 },
        { value: 'worker', count: 3 },
        { value: 'gw', count: 1 },
      ]);
      expect(all.spanNames).toEqual([
        { value: 'chat gpt-4o-mini', count: 2 },
        { value: 'agent.run', count: 1 },
        { value: 'chat claude-sonnet-4-5', count: 1 },
        { value: 'chat text-embedding-3-small', count: 1 },
        { value: 'db.query', count: 1 },
        { value: 'llm', count: 1 },
      ]);
      expect(all.models).toEqual([
        { value: 'gpt-4o-mini', count: 2 },
        { value: 'claude-sonnet-4-5', count: 1 },
        { value: 'gpt-4o', count: 1 },
        { value: 'text-embedding-3-small', count: 1 },
      ]);
      expect(all.providers.map((p) => p.value)).toEqual(['openai', 'anthropic']);
      expect(all.operations).toEqual([
        { value: 'chat', count: 4 },
        { value: 'embeddings', count: 1 },
      ]);
      expect(all.routes).toEqual([{ value: 'support', count: 1 }]);
      expect([all.users, all.sessions]).toEqual([3, 2]);
      expect((await facets({ limit: 1 })).spanNames).toEqual([{ value: 'chat gpt-4o-mini', count: 2 }]);
    });

    it('widens the range to the hours it touches', async () => {
      await setup();
      // 00:30 to 01:00:00.001 touches the first two hours: everything but the last hour's spans.
      const first = await facets({ from: T0 + 30n * 60_000n * MS, to: T0 + BigInt(H) * MS + 1n });
      expect(first.services).toEqual([
        { value: 'api', count: 3 },
        { value: 'gw', count: 1 },
        { value: 'worker', count: 1 },
      ]);
      expect([first.users, first.sessions]).toEqual([2, 2]);
      const last = await facets({ from: T0 + 2n * BigInt(H) * MS });
      expect(last.spanNames.map((n) => n.value)).toEqual(['chat text-embedding-3-small', 'db.query']);
      expect(last.models).toEqual([{ value: 'text-embedding-3-small', count: 1 }]);
      expect([last.users, last.sessions]).toEqual([1, 0]);
      const none = await facets({ from: T0 + 10n * BigInt(H) * MS });
      expect(none).toEqual({ services: [], spanNames: [], models: [], providers: [], operations: [], routes: [], users: 0, sessions: 0 });
      expect((await facets({ project: 'other' })).services).toEqual([{ value: 'other-project', count: 1 }]);
    });

    it('forgets expired spans and calls', async () => {
      const kept = llmSpan({ session: 's', user: 'u' });
      const gone = buildSpan({ name: 'short-lived', service: 'tmp' });
      const goneCall = llmSpan({ session: 't', user: 'v', model: 'gpt-4o' });
      await getStore().writer.write([
        { project: 'default', spans: [kept], calls: ingestCalls([kept]) },
        { project: 'default', spans: [gone, goneCall], calls: ingestCalls([goneCall]), expiresAtUnixNano: 1000n },
      ]);
      expect((await facets()).services.map((s) => s.value)).toEqual(['svc', 'tmp']);
      await purgerOf(getStore()).deleteExpired(1000n);
      const after = await facets();
      expect(after.services).toEqual([{ value: 'svc', count: 1 }]);
      expect(after.spanNames.map((s) => s.value)).toEqual(['chat gpt-4o-mini']);
      expect(after.models.map((s) => s.value)).toEqual(['gpt-4o-mini']);
      expect([after.users, after.sessions]).toEqual([1, 1]);
    });
  });
}
