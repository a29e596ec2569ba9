import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSpan, buildTrace, describeStorageConformance, ingestCalls, llmSpan } from '@sightline/storage/testing';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from './schema/migrations.js';
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

  it('keeps what was written across close and reopen', async () => {
    const path = freshPath();
    const spans = buildTrace(4);
    const first = new SqliteStorage({ path });
    await first.write([{ project: 'default', spans }]);
    await first.close();
    const second = new SqliteStorage({ path });
    const detail = await second.getTrace({ project: 'default', traceId: spans[0]?.traceId as string });
    expect(detail?.spans.map((s) => s.spanId)).toEqual(spans.map((s) => s.spanId));
    expect(await second.write([{ project: 'default', spans }])).toEqual({ stored: 0, duplicates: 4, logsStored: 0 });
    await second.close();
  });

  it('upgrades a database from schema version 1, keeping its traces', async () => {
    const path = freshPath();
    const old = new SqliteStorage({ path });
    const spans = buildTrace(3);
    await old.write([{ project: 'default', spans }]);
    await old.close();
    // Turn it back into a version 1 database: drop what version 2 added.
    const db = new Database(path);
    db.exec(
      'DROP TABLE llm_calls; DROP TABLE sessions; DROP TABLE session_users; DROP TABLE llm_rollups; DROP TABLE logs; DROP INDEX traces_by_session;',
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
