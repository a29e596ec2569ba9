import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSpan, buildTrace, describeStorageConformance, ingestCalls, llmSpan, metricPoint, T0 } from '@sightline/storage/testing';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from './schema/migrations.js';
import { SESSION_TRACE_BOUNDS_SQL } from './session-page.js';
import { SqliteStorage } from './sqlite-storage.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `db-${++n}`, 'sightline.db');

describeStorageConformance('sqlite', async () => new SqliteStorage({ path: freshPath() }));

describe('sqlite storage', () => {
  it('creates the file and its directory, in WAL mode, at the current schema version', async () => {
    const path = freshPath();
    const store = new SqliteStorage({ path });
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('keeps metric series apart after a write that was rolled back', async () => {
    const path = freshPath();
    const store = new SqliteStorage({ path });
    await store.write([{ project: 'default', spans: [] }]);
    const db = new Database(path);
    db.exec("CREATE TRIGGER refuse BEFORE INSERT ON metric_points WHEN NEW.value = 666 BEGIN SELECT RAISE(ABORT, 'refused'); END");
    const input = (s: number, value: number) => metricPoint(s, { value });
    const output = (s: number, value: number) => metricPoint(s, { value, attributes: { 'gen_ai.token.type': 'output' } });
    await expect(store.writer.write([{ project: 'default', spans: [], metrics: [input(10, 666)] }])).rejects.toThrow();
    await store.writer.write([{ project: 'default', spans: [], metrics: [output(10, 40), input(20, 100)] }]);
    const seen: { type: unknown; values: (number | null)[] }[] = [];
    await store.otelMetrics?.scan('default', 'gen_ai.client.token.usage', T0, T0 + 60_000_000_000n, {
      series: (s) => seen.push({ type: s.attributes['gen_ai.token.type'], values: [] }),
      point: (p) => seen.at(-1)?.values.push(p.value),
    });
    expect(seen.sort((a, b) => String(a.type).localeCompare(String(b.type)))).toEqual([
      { type: 'input', values: [100] },
      { type: 'output', values: [40] },
    ]);
    db.close();
    await store.close();
  });

  it('keeps what was written across close and reopen', async () => {
    const path = freshPath();
    const spans = buildTrace(4);
    const first = new SqliteStorage({ path });
    await first.write([{ project: 'default', spans }]);
    await first.close();
    const second = new SqliteStorage({ path });
    const detail = await second.getTrace({ project: 'default', traceId: spans[0]?.traceId as string });
    expect(detail?.spans.map((s) => s.spanId)).toEqual(spans.map((s) => s.spanId));
    expect(await second.write([{ project: 'default', spans }])).toEqual({ stored: 0, duplicates: 4, logsStored: 0, metricPointsStored: 0 });
    await second.close();
  });

  it('upgrades a database from schema version 1, keeping its traces', async () => {
    const path = freshPath();
    const old = new SqliteStorage({ path });
    const spans = buildTrace(3);
    await old.write([{ project: 'default', spans }]);
    await old.close();
    // Turn it back into a version 1 database: drop what versions 3 and 2 added.
    const db = new Database(path);
    db.exec(
      'DROP TABLE llm_key_rollups; DROP TABLE llm_key_folds; DROP TABLE span_name_rollups; ALTER TABLE llm_calls DROP COLUMN role; ALTER TABLE llm_calls DROP COLUMN taken;',
    );
    db.exec(
      'DROP TABLE llm_calls; DROP TABLE sessions; DROP TABLE session_users; DROP TABLE llm_rollups; DROP TABLE logs; DROP INDEX traces_by_session_bounds;',
    );
    for (const column of [
      'llm_call_count',
      'llm_error_count',
      'input_tokens',
      'output_tokens',
      'total_tokens',
      'cost_usd',
      'session_id',
      'user_id',
      'session_key',
    ])
      db.exec(`ALTER TABLE traces DROP COLUMN ${column}`);
    db.pragma('user_version = 1');
    expect(MIGRATIONS[0]?.version).toBe(1);
    db.close();
    const upgraded = new SqliteStorage({ path });
    const detail = await upgraded.getTrace({ project: 'default', traceId: spans[0]?.traceId as string });
    expect(detail?.summary).toMatchObject({ spanCount: 3, llmCallCount: 0, costUsd: null });
    const call = llmSpan({ traceId: spans[0]?.traceId, parentSpanId: spans[0]?.spanId, input: 5, output: 5 });
    await upgraded.write([{ project: 'default', spans: [call], calls: ingestCalls([call]) }]);
    expect((await upgraded.calls.metrics({ project: 'default' })).total.calls).toBe(1);
    await upgraded.close();
  });

  it('decides duplicates across a restart, reading the trace back from disk', async () => {
    const path = freshPath();
    const app = llmSpan({ model: 'gpt-4o', input: 100, output: 20 });
    const http = buildSpan({ traceId: app.traceId, parentSpanId: app.spanId, name: 'POST' });
    const gateway = buildSpan({
      traceId: app.traceId,
      parentSpanId: http.spanId,
      attributes: {
        'plano.route.name': 'chat',
        'llm.model': 'gpt-4o',
        'llm.usage.prompt_tokens': 100n,
        'llm.usage.completion_tokens': 20n,
      },
    });
    const first = new SqliteStorage({ path });
    await first.write([{ project: 'default', spans: [gateway, app], calls: ingestCalls([gateway, app]) }]);
    await first.close();
    const second = new SqliteStorage({ path });
    expect((await second.calls.metrics({ project: 'default' })).total.calls).toBe(2);
    await second.write([{ project: 'default', spans: [http] }]);
    expect((await second.calls.metrics({ project: 'default' })).total).toMatchObject({ calls: 1, inputTokens: 100 });
    expect((await second.calls.getCall({ project: 'default', spanId: gateway.spanId }))?.duplicateOf).toBe(app.spanId);
    await second.close();
  });

  it('stores an agent run of 40,000 calls sent in one request, whose state outgrows what one batch may hold', async () => {
    const storage = new SqliteStorage({ path: freshPath() });
    const root = buildSpan({ name: 'agent.run', durationMs: 60_000 });
    const spans = [root];
    for (let i = 0; i < 40_000; i++) {
      spans.push(llmSpan({ traceId: root.traceId, parentSpanId: root.spanId, model: 'gpt-4o', input: 10, output: 1, startMs: i }));
    }
    await storage.write([{ project: 'default', spans, calls: ingestCalls(spans) }]);
    expect((await storage.calls.metrics({ project: 'default' })).total).toMatchObject({ calls: 40_000, inputTokens: 400_000 });
    await storage.close();
  });

  it('answers metrics from hourly rollups exactly as from the calls themselves', async () => {
    const path = freshPath();
    const store = new SqliteStorage({ path });
    const models = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'mistral-large-latest'];
    const spans = Array.from({ length: 2000 }, (_, i) =>
      llmSpan({
        startMs: i * 7_919,
        durationMs: 50 + ((i * 37) % 3000),
        model: models[i % 4],
        input: 10 + (i % 500),
        output: 1 + (i % 90),
        ttftS: i % 3 === 0 ? 0.1 + (i % 7) / 10 : undefined,
        status: i % 17 === 0 ? 'error' : undefined,
      }),
    );
    for (let i = 0; i < spans.length; i += 500) {
      const part = spans.slice(i, i + 500);
      await store.write([{ project: 'default', spans: part, calls: ingestCalls(part) }]);
    }
    const from = spans[100]?.startTimeUnixNano as bigint;
    const to = spans[1900]?.startTimeUnixNano as bigint;
    for (const groupBy of ['model', 'hour', undefined] as const) {
      // minDurationMs: 0 matches every call but makes the store read them instead of the rollups.
      const viaRollups = await store.calls.metrics({ project: 'default', groupBy, from, to });
      const viaCalls = await store.calls.metrics({ project: 'default', groupBy, from, to, minDurationMs: 0 });
      const rounded = (r: typeof viaRollups) =>
        JSON.parse(JSON.stringify(r, (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(10)) : v)));
      expect(rounded(viaRollups)).toEqual(rounded(viaCalls));
      expect(viaRollups.total.calls).toBe(1800);
    }
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT sum(calls) FROM llm_rollups').pluck().get()).toBe(2000);
    expect(db.prepare('SELECT count(*) FROM llm_rollups').pluck().get()).toBeLessThan(30);
    db.close();
  });

  it('upgrades a database from schema version 2, building the session, user and span name rollups from what it holds', async () => {
    const path = freshPath();
    const old = new SqliteStorage({ path });
    const root = buildSpan({ name: 'agent.run', service: 'api' });
    const spans = [
      root,
      ...Array.from({ length: 60 }, (_, i) =>
        llmSpan({
          traceId: i < 30 ? root.traceId : undefined,
          parentSpanId: i < 30 ? root.spanId : undefined,
          startMs: i * 1_700_000,
          durationMs: 100 + i * 13,
          session: i % 4 === 0 ? undefined : `s${i % 3}`,
          user: `u${i % 5}`,
          input: i,
          output: 1,
          ttftS: i % 2 ? 0.1 : undefined,
        }),
      ),
    ];
    await old.write([{ project: 'default', spans, calls: ingestCalls(spans) }]);
    const from = spans[7]?.startTimeUnixNano;
    const queries = [{}, { from }, { from, to: spans[50]?.startTimeUnixNano }];
    const answers = async (store: SqliteStorage) => [
      ...(await Promise.all(queries.map((q) => store.calls.metrics({ project: 'default', groupBy: 'session', ...q })))),
      ...(await Promise.all(queries.map((q) => store.calls.metrics({ project: 'default', groupBy: 'user', ...q })))),
      ...(await Promise.all(queries.map((q) => store.calls.facets({ project: 'default', ...q })))),
    ];
    const before = await answers(old);
    await old.close();
    const db = new Database(path);
    db.exec(
      'DROP TABLE llm_key_rollups; DROP TABLE llm_key_folds; DROP TABLE span_name_rollups; ALTER TABLE llm_calls DROP COLUMN role; ALTER TABLE llm_calls DROP COLUMN taken;',
    );
    db.exec('ALTER TABLE sessions DROP COLUMN name; ALTER TABLE sessions DROP COLUMN labels;');
    db.pragma('user_version = 2');
    db.close();
    const upgraded = new SqliteStorage({ path });
    expect(await answers(upgraded)).toEqual(before);
    expect((before[0] as { groups: unknown[] }).groups).toHaveLength(4);
    await upgraded.close();
  });

  it('answers metrics by session and user from their rollups exactly as from the calls themselves, over many batches', async () => {
    const path = freshPath();
    const store = new SqliteStorage({ path });
    // 80 hours up to an hour ago: the older days are folded into day rows, the last read from hours.
    const end = Date.now() - Number(T0 / 1_000_000n) - 3_600_000;
    const spans = Array.from({ length: 3000 }, (_, i) =>
      llmSpan({
        startMs: end - (3000 - i) * 97_003,
        durationMs: 20 + ((i * 7919) % 20_000),
        session: i % 11 === 0 ? undefined : `s${i % 7}`,
        user: `u${i % 5}`,
        input: 10 + (i % 500),
        output: 1 + (i % 90),
        ttftS: i % 3 === 0 ? 0.05 + (i % 50) / 10 : undefined,
        status: i % 17 === 0 ? 'error' : undefined,
      }),
    );
    // Small batches, so each rollup row is appended to many times (and compacted).
    for (let i = 0; i < spans.length; i += 25) {
      const part = spans.slice(i, i + 25);
      await store.write([{ project: 'default', spans: part, calls: ingestCalls(part) }]);
    }
    const at = (i: number) => spans[i]?.startTimeUnixNano as bigint;
    for (const [from, to] of [
      [undefined, undefined],
      [at(100) + 1n, at(2900) - 1n],
      [at(1000), undefined],
      [undefined, at(10)],
    ] as const) {
      for (const groupBy of ['session', 'user'] as const) {
        const viaRollups = await store.calls.metrics({ project: 'default', groupBy, from, to });
        const viaCalls = await store.calls.metrics({ project: 'default', groupBy, from, to, minDurationMs: 0 });
        const rounded = (r: typeof viaRollups) =>
          JSON.parse(JSON.stringify(r, (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(10)) : v)));
        expect(rounded(viaRollups)).toEqual(rounded(viaCalls));
      }
    }
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT sum(calls) FROM llm_key_rollups WHERE kind = 2 AND grain = 1').pluck().get()).toBe(3000);
    // Days over are folded into day rows; the last ones are read from their hours.
    const folded = db.prepare('SELECT folded_until FROM llm_key_folds').pluck().get() as number;
    expect(db.prepare('SELECT sum(calls) FROM llm_key_rollups WHERE kind = 2 AND grain = 24').pluck().get()).toBe(
      db.prepare('SELECT sum(calls) FROM llm_key_rollups WHERE kind = 2 AND grain = 1 AND bucket < ?').pluck().get(folded),
    );
    expect(folded).toBeGreaterThan(db.prepare('SELECT min(bucket) FROM llm_key_rollups').pluck().get() as number);
    expect(folded).toBeLessThan(db.prepare('SELECT max(bucket) FROM llm_key_rollups').pluck().get() as number);
    // Recent parts were merged as they grew; sketches stay blobs (`||` alone would make text of them).
    expect(db.prepare('SELECT count(*) FROM llm_key_rollups WHERE part = 0 AND grain = 24').pluck().get()).toBeGreaterThan(0);
    expect(
      db.prepare('SELECT max(length(latency) + length(ttft) + length(tokens_per_s)) FROM llm_key_rollups WHERE part = 1').pluck().get(),
    ).toBeLessThan(2048);
    expect(db.prepare("SELECT count(*) FROM llm_key_rollups WHERE typeof(latency) <> 'blob' OR typeof(ttft) <> 'blob'").pluck().get()).toBe(
      0,
    );
    db.close();
  });

  it('counts span names beyond 1,000 per hour for their service only', async () => {
    const store = new SqliteStorage({ path: freshPath() });
    const spans = Array.from({ length: 1100 }, (_, i) => buildSpan({ name: `GET /items/${i}`, service: 'shop', startMs: i }));
    await store.write([{ project: 'default', spans: spans.slice(0, 600) }]);
    await store.write([{ project: 'default', spans: spans.slice(600) }]);
    const facets = await store.calls.facets({ project: 'default', limit: 1000 });
    expect(facets.services).toEqual([{ value: 'shop', count: 1100 }]);
    expect(facets.spanNames).toHaveLength(1000);
    expect(facets.spanNames.every((n) => n.count === 1)).toBe(true);
    await store.close();
  });

  it('reads a session’s traces and their times from an index alone, on a database upgraded from schema 10 too', async () => {
    const path = freshPath();
    const store = new SqliteStorage({ path });
    const spans = [0, 1, 2].map((i) => llmSpan({ startMs: i * 60_000, input: 10, output: 1, session: 'chat-1' }));
    await store.write([{ project: 'default', spans, calls: ingestCalls(spans) }]);
    await store.close();
    const plan = (db: Database.Database) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${SESSION_TRACE_BOUNDS_SQL}`).all(1) as { detail: string }[]).map((r) => r.detail).join('; ');
    let db = new Database(path);
    // Not a trace's row read per trace: a session of ~13,000 traces took 180 ms warm, over a second cold.
    expect(plan(db)).toMatch(/USING COVERING INDEX traces_by_session_bounds/);
    // Back to schema 10, which had only the session key in its index.
    db.exec('DROP INDEX traces_by_session_bounds; CREATE INDEX traces_by_session ON traces (session_key) WHERE session_key IS NOT NULL;');
    db.exec('ALTER TABLE llm_calls DROP COLUMN taken;');
    db.pragma('user_version = 10');
    expect(plan(db)).not.toMatch(/COVERING/);
    db.close();
    const upgraded = new SqliteStorage({ path });
    const session = await upgraded.calls.getSession({ project: 'default', sessionId: 'chat-1' });
    expect(session?.calls.map((c) => c.inputTokens)).toEqual([10, 10, 10]);
    await upgraded.close();
    db = new Database(path);
    expect(plan(db)).toMatch(/USING COVERING INDEX traces_by_session_bounds/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'traces_by_session'").all()).toEqual([]);
    db.close();
  });

  it('refuses a database from a newer version', async () => {
    const path = freshPath();
    await new SqliteStorage({ path }).close();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new SqliteStorage({ path })).toThrow(/newer than this Sightline understands/);
  });

  it('stores each resource once however many spans share it', async () => {
    const path = freshPath();
    const store = new SqliteStorage({ path });
    await store.write([{ project: 'default', spans: buildTrace(50, { service: 'one' }) }]);
    await store.write([{ project: 'default', spans: buildTrace(50, { service: 'one' }) }]);
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT count(*) FROM resources WHERE service_name = 'one'").pluck().get()).toBe(1);
    db.close();
  });
});

describe('sqlite storage at scale', () => {
  it('finds traces and spans written long ago, after their ids were sealed into blocks', async () => {
    const store = new SqliteStorage({ path: freshPath() });
    const traces = Array.from({ length: 40_000 }, (_, i) => buildTrace(1, { startMs: i, service: 'scale' }));
    for (let i = 0; i < traces.length; i += 5000) await store.write([{ project: 'default', spans: traces.slice(i, i + 5000).flat() }]);
    for (const i of [0, 1, 16_383, 16_384, 20_000, 39_999]) {
      const span = traces[i]?.[0];
      const detail = await store.getTrace({ project: 'default', traceId: span?.traceId as string });
      expect(
        detail?.spans.map((s) => s.spanId),
        `trace ${i}`,
      ).toEqual([span?.spanId]);
      expect((await store.getSpanTree({ project: 'default', spanId: span?.spanId as string }))?.span.traceId).toBe(span?.traceId);
    }
    // A late span of an early trace joins that trace.
    const first = traces[0]?.[0];
    await store.write([{ project: 'default', spans: buildTrace(1, { traceId: first?.traceId, startMs: 1 }) }]);
    expect((await store.getTrace({ project: 'default', traceId: first?.traceId as string }))?.summary.spanCount).toBe(2);
    await store.close();
  });
});
