import { buildSpan, describeStorageConformance, ingestCalls, llmSpan } from '@sightline/storage/testing';
import { describe, expect, it } from 'vitest';
import { chdbEngine } from './chdb-engine.test-support.js';
import { ClickHouseStorage } from './clickhouse-storage.js';
import { migrate, SCHEMA_VERSION } from './schema/migrations.js';

/** The whole storage contract on a real ClickHouse engine (chdb, in-process): the suite SQLite and memory pass. */
const engine = chdbEngine('storage');

const TABLES = [
  'spans',
  'span_search',
  'traces',
  'llm_calls',
  'logs',
  'llm_hour_rollups',
  'llm_rollup_marks',
  'metric_points',
  'dataset_rows',
  'project_settings',
  'api_keys',
  'usage_days',
  'audit_log',
];

/**
 * One engine per process: each test gets it emptied. Hours are rolled up after every write, so
 * metrics read the rollups for the hours nothing changed since (deletes and repricing leave
 * theirs to be read from the calls).
 */
describeStorageConformance('clickhouse', async () => {
  await engine.empty(TABLES);
  const store = new ClickHouseStorage(engine.client, { ownsClient: false, rollupRefreshMs: 0 });
  const write = store.writer.write.bind(store.writer);
  store.writer.write = async (batch) => {
    const result = await write(batch);
    await store.refreshRollups();
    return result;
  };
  return store;
});

describe('the ClickHouse schema', () => {
  it('migrates once, and again is a no-op', async () => {
    expect(await migrate(engine.client)).toBe(SCHEMA_VERSION);
    const rs = await engine.client.query({ query: 'SELECT count() AS n FROM schema_migrations', format: 'JSONEachRow' });
    expect(Number(((await rs.json()) as { n: string }[])[0]?.n)).toBe(SCHEMA_VERSION);
  });
});

describe('two collectors on one ClickHouse', () => {
  const empty = () => engine.empty(TABLES);
  const rawCount = async (table: string) => {
    const rs = await engine.client.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' });
    return Number(((await rs.json()) as { n: string }[])[0]?.n);
  };
  /** A root and `n` LLM calls under it, one trace. */
  const chatTrace = (n: number) => {
    const root = buildSpan({ name: 'agent run', service: 'agent' });
    const children = Array.from({ length: n }, (_, i) =>
      llmSpan({ traceId: root.traceId, parentSpanId: root.spanId, startMs: 10 + i * 100, input: 100, output: 10, session: 's1' }),
    );
    return { root, children };
  };

  it('store a batch both received once: one row per span read back, each call counted once, before any merge', async () => {
    await empty();
    const { root, children } = chatTrace(6);
    const spans = [root, ...children];
    const batch = [{ project: 'default', spans, calls: ingestCalls(spans) }];
    const a = new ClickHouseStorage(engine.client, { ownsClient: false, rollupRefreshMs: 0 });
    const b = new ClickHouseStorage(engine.client, { ownsClient: false, rollupRefreshMs: 0 });
    await Promise.all([a.writer.write(batch), b.writer.write(batch)]);
    expect(await rawCount('spans')).toBeGreaterThanOrEqual(7);
    const detail = await a.reader.getTrace({ project: 'default', traceId: root.traceId });
    expect(detail?.spans).toHaveLength(7);
    expect(detail?.summary).toMatchObject({ spanCount: 7, llmCallCount: 6, inputTokens: 600 });
    expect((await b.reader.findTraces({ project: 'default', limit: 10 })).items).toHaveLength(1);
    expect((await a.calls.findCalls({ project: 'default', limit: 100 })).items).toHaveLength(6);
    expect((await b.calls.metrics({ project: 'default' })).total).toMatchObject({ calls: 6, inputTokens: 600 });
    expect((await a.calls.findSessions({ project: 'default', limit: 10 })).items[0]).toMatchObject({ traceCount: 1, callCount: 6 });
  });

  it('summarize a trace whose halves they write at the same moment from both halves', async () => {
    await empty();
    const { root, children } = chatTrace(20);
    const spans = [root, ...children];
    const a = new ClickHouseStorage(engine.client, { ownsClient: false, rollupRefreshMs: 0 });
    const b = new ClickHouseStorage(engine.client, { ownsClient: false, rollupRefreshMs: 0 });
    const half = (part: typeof spans) => [{ project: 'default', spans: part, calls: ingestCalls(part) }];
    const results = await Promise.all([a.writer.write(half(spans.slice(0, 11))), b.writer.write(half(spans.slice(11)))]);
    expect(results.map((r) => r.stored)).toEqual([11, 10]);
    const summary = (await a.reader.findTraces({ project: 'default', limit: 10 })).items[0];
    expect(summary).toMatchObject({ spanCount: 21, llmCallCount: 20, inputTokens: 2000, rootSpanId: root.spanId, rootIsComplete: true });
    expect((await b.calls.metrics({ project: 'default' })).total.calls).toBe(20);
  });
});

describe('newest-first searches on ClickHouse', () => {
  it('walk traces and calls spread over weeks newest first, each once, however far back the matches lie, with or without text', async () => {
    await engine.empty(TABLES);
    const store = new ClickHouseStorage(engine.client, { ownsClient: false, rollupRefreshMs: 0 });
    const HOUR_MS = 3_600_000;
    // Forty traces, one every 13 hours; every third says "refund".
    const spans = Array.from({ length: 40 }, (_, i) =>
      llmSpan({ startMs: i * 13 * HOUR_MS, input: 10, output: 1, extra: { topic: i % 3 === 0 ? 'refund request' : 'shipping' } }),
    );
    await store.writer.write([{ project: 'default', spans, calls: ingestCalls(spans) }]);
    const wanted = spans
      .filter((_, i) => i % 3 === 0)
      .reverse()
      .map((s) => s.traceId);
    const walk = async <T>(page: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>, id: (t: T) => string) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const p = await page(cursor);
        seen.push(...p.items.map(id));
        cursor = p.nextCursor ?? undefined;
      } while (cursor);
      return seen;
    };
    expect(
      await walk(
        (cursor) => store.reader.findTraces({ project: 'default', text: 'refund', limit: 3, cursor }),
        (t) => t.traceId,
      ),
    ).toEqual(wanted);
    expect(
      await walk(
        (cursor) =>
          store.reader.findTraces({
            project: 'default',
            attributes: [{ target: 'span', key: 'topic', op: 'contains', value: 'REFUND' }],
            limit: 4,
            cursor,
          }),
        (t) => t.traceId,
      ),
    ).toEqual(wanted);
    expect(
      await walk(
        (cursor) => store.calls.findCalls({ project: 'default', text: 'refund', limit: 5, cursor }),
        (c) => c.traceId,
      ),
    ).toEqual(wanted);
    // The plain list, newest first, is searched from the newest times back too.
    expect(
      await walk(
        (cursor) => store.calls.findCalls({ project: 'default', limit: 7, cursor }),
        (c) => c.traceId,
      ),
    ).toEqual(spans.map((s) => s.traceId).reverse());
    expect(
      (await store.calls.findCalls({ project: 'default', limit: 2, to: spans[1]?.startTimeUnixNano })).items.map((c) => c.traceId),
    ).toEqual([spans[0]?.traceId]);
    // The oldest match alone, far behind the newest data.
    const oldest = await store.reader.findTraces({ project: 'default', text: 'refund', limit: 1, startTo: spans[1]?.startTimeUnixNano });
    expect(oldest.items.map((t) => t.traceId)).toEqual([spans[0]?.traceId]);
  });
});

describe('a write that stopped short on ClickHouse', () => {
  it('is finished by the client’s retry: the trace is summarized again though its spans were stored', async () => {
    await engine.empty(TABLES);
    const store = new ClickHouseStorage(engine.client, { ownsClient: false, rollupRefreshMs: 0 });
    const spans = [llmSpan({ input: 7, output: 1 })];
    const batch = [{ project: 'default', spans, calls: ingestCalls(spans) }];
    await store.writer.write(batch);
    // As if the process stopped after storing the spans, before summarizing their trace.
    await engine.client.command({ query: 'TRUNCATE TABLE traces' });
    expect((await store.reader.findTraces({ project: 'default', limit: 10 })).items).toEqual([]);
    expect(await store.writer.write(batch)).toMatchObject({ stored: 0, duplicates: 1 });
    expect((await store.reader.findTraces({ project: 'default', limit: 10 })).items[0]).toMatchObject({ llmCallCount: 1, inputTokens: 7 });
  });
});

describe('a store whose traces were summarized before schema 5', () => {
  it('gets each session’s errors, users, name and labels from its calls at the upgrade', async () => {
    await engine.empty(TABLES);
    const store = new ClickHouseStorage(engine.client, { ownsClient: false, rollupRefreshMs: 0 });
    const root = buildSpan({ name: 'agent run', service: 'agent' });
    const call = (i: number, spec: Parameters<typeof llmSpan>[0]) =>
      llmSpan({ traceId: root.traceId, parentSpanId: root.spanId, startMs: 10 + i * 100, input: 100, output: 10, session: 's1', ...spec });
    const spans = [
      root,
      call(0, { user: 'u2', extra: { 'sightline.session.name': 'Refund question', 'sightline.label.team': 'support' } }),
      call(1, { user: 'u1', status: 'error' }),
      call(2, { user: 'u2' }),
    ];
    await store.writer.write([{ project: 'default', spans, calls: ingestCalls(spans) }]);
    const session = async () => (await store.calls.findSessions({ project: 'default', limit: 10 })).items[0];
    const expected = await session();
    expect(expected).toMatchObject({
      callCount: 3,
      errorCount: 1,
      users: ['u1', 'u2'],
      name: 'Refund question',
      labels: { team: 'support' },
    });

    // The summary as a collector before schema 5 wrote it: without the facts, at its own version.
    await engine.client.command({
      query: 'INSERT INTO traces SELECT * REPLACE (toUInt32(0) AS call_error_count, [] AS users, [] AS session_details) FROM traces FINAL',
    });
    expect(await session()).toMatchObject({ errorCount: 0, users: [], name: null, labels: {} });

    await engine.client.command({ query: 'DELETE FROM schema_migrations WHERE version >= 5' });
    expect(await migrate(engine.client)).toBe(SCHEMA_VERSION);
    expect(await session()).toEqual(expected);
    expect((await store.calls.getSession({ project: 'default', sessionId: 's1' }))?.summary).toEqual(expected);
  });
});
