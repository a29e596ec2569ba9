import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTrace, describeStorageConformance } from '@sightline/storage/testing';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from './schema/migrations.js';
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
    expect(await second.write([{ project: 'default', spans }])).toEqual({ stored: 0, duplicates: 4 });
    await second.close();
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
