import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Span } from '@sightline/core';
import { type CallQuery, MemoryStorage, queryWords, type Storage, type TraceQuery, UnsupportedQueryError } from '@sightline/storage';
import { buildSpan, buildTrace, ingestCalls, llmSpan, T0 } from '@sightline/storage/testing';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLS_PER_TRACE } from './call-ids.js';
import { callQuerySql } from './call-query-sql.js';
import { blobToHex } from './ids.js';
import { matchExpression } from './search-index.js';
import { SEARCH_CANDIDATES, SearchProbe, type TextSearch } from './search-sql.js';
import { walkSorted } from './search-walk.js';
import { SqliteStorage } from './sqlite-storage.js';
import { traceQuerySql } from './trace-query-sql.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-search-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `db-${++n}`, 'sightline.db');
const label = (q: object) =>
  Object.entries(q)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
const messages = (content: string) => JSON.stringify([{ role: 'user', parts: [{ type: 'text', content }] }]);

async function writeAll(store: Storage, spans: Span[], project = 'default'): Promise<void> {
  for (let i = 0; i < spans.length; i += 2000) {
    const part = spans.slice(i, i + 2000);
    await store.writer.write([{ project, spans: part, calls: ingestCalls(part) }]);
  }
}

describe('free-text search in SQLite, whichever way a list applies it', () => {
  // More matching traces and calls than SEARCH_CANDIDATES, so the store reads all matches.
  const count = SEARCH_CANDIDATES + 500;
  const stores: Storage[] = [];
  const sqlite = () => stores[0] as SqliteStorage;
  const memory = () => stores[1] as Storage;
  let reading: Database.Database;
  beforeAll(async () => {
    const path = freshPath();
    stores.push(new SqliteStorage({ path }), new MemoryStorage({ capacity: 50_000 }));
    const spans: Span[] = [];
    for (let i = 0; i < count; i++) {
      const root = buildSpan({ name: i % 3 ? 'agent.run' : 'batch.job', startMs: i * 7, durationMs: 50 + (i % 13) });
      const words = ['alpha', i % 7 === 0 ? 'beta' : 'gamma', i % 1000 === 0 ? 'rare' : ''].join(' ');
      const call = llmSpan({
        traceId: root.traceId,
        parentSpanId: root.spanId,
        startMs: i * 7 + 1,
        model: i % 2 ? 'gpt-4o' : 'gpt-4o-mini',
        status: i % 11 === 0 ? 'error' : undefined,
        extra: { 'gen_ai.input.messages': messages(words) },
      });
      spans.push(root, call);
    }
    for (const store of stores) await writeAll(store, spans);
    reading = new Database(path, { readonly: true });
  }, 120_000);
  afterAll(async () => {
    reading.close();
    for (const store of stores) await store.close();
  });

  const traces = async (store: Storage, q: Partial<TraceQuery>) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 3; page++) {
      const got = await store.reader.findTraces({ project: 'default', limit: 40, ...q, cursor });
      seen.push(...got.items.map((t) => t.traceId));
      cursor = got.nextCursor ?? undefined;
      if (!cursor) break;
    }
    return seen;
  };
  const calls = async (store: Storage, q: Partial<CallQuery>) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 3; page++) {
      const got = await store.calls.findCalls({ project: 'default', limit: 40, ...q, cursor });
      seen.push(...got.items.map((c) => c.spanId));
      cursor = got.nextCursor ?? undefined;
      if (!cursor) break;
    }
    return seen;
  };
  /** The search as each way of applying it: its candidates, all its matches, and a walk looking each row up. */
  const ways = (text: string, forCalls: boolean): [string, TextSearch][] => {
    const match = matchExpression(queryWords(text), forCalls);
    const keys = reading
      .prepare(`SELECT ${forCalls ? 'rowid' : `DISTINCT rowid / ${CALLS_PER_TRACE}`} FROM span_search WHERE span_search MATCH ?`)
      .pluck()
      .all(match);
    return [
      ['candidates', { match, candidates: JSON.stringify(keys), common: false }],
      ['all matches', { match, candidates: null, common: false }],
      ['walk', { match, candidates: null, common: true }],
    ];
  };
  const hex = (rows: unknown[], column: 'trace_id' | 'span_id') =>
    rows.slice(0, 100).map((r) => blobToHex((r as Record<string, Buffer>)[column] as Buffer));

  const traceQueries: Partial<TraceQuery>[] = [
    { text: 'alpha' },
    { text: 'ALPHA gamma' },
    { text: 'alpha', orderBy: { field: 'duration', direction: 'asc' } },
    { text: 'beta' },
    { text: 'rare alpha' },
    { text: 'alpha', spanName: 'chat gpt-4o' },
    { text: 'alpha', status: 'error' },
    { text: 'run', service: 'svc' },
    { text: 'alpha', startTo: T0 + 5_000_000_000n },
  ];

  it('lists the traces the memory store lists, a page at a time', async () => {
    for (const q of traceQueries) {
      const want = await traces(memory(), q);
      expect(want.length, label(q)).toBeGreaterThan(0);
      expect(await traces(sqlite(), q), label(q)).toEqual(want);
    }
  });

  it('lists the same traces whether it picks from candidates, reads all matches or walks the list', async () => {
    const probe = new SearchProbe(reading);
    const read = (q: TraceQuery, search: TextSearch | null) => {
      const { sql, params } = traceQuerySql(q, 1, search);
      return reading
        .prepare(sql)
        .safeIntegers(true)
        .all(...params) as { id: bigint; trace_id: Buffer }[];
    };
    for (const q of traceQueries) {
      const query: TraceQuery = { project: 'default', limit: 100, ...q };
      const want = (await memory().reader.findTraces(query)).items.map((t) => t.traceId);
      for (const [way, search] of ways(q.text as string, false)) {
        expect(hex(read(query, search), 'trace_id'), `${label(q)} (${way})`).toEqual(want);
      }
      const search = ways(q.text as string, false)[2]?.[1] as TextSearch;
      const sorted = walkSorted(
        (cursor, limit) => read({ ...query, text: undefined, cursor, limit }, null),
        (row) => probe.traceMatches(search, row.id),
        q.orderBy ?? { field: 'start_time', direction: 'desc' },
        undefined,
        100,
      );
      expect(hex(sorted, 'trace_id'), `${label(q)} (sorted)`).toEqual(want);
    }
  });

  const callQueries: Partial<CallQuery>[] = [
    { text: 'alpha' },
    { text: 'alpha', model: 'gpt-4o-mini', orderBy: { field: 'duration', direction: 'desc' } },
    { text: 'gamma', model: 'gpt-4o', orderBy: { field: 'duration', direction: 'desc' } },
    { text: 'beta', status: 'error' },
    { text: 'rare' },
  ];

  it('lists the calls the memory store lists, a page at a time', async () => {
    for (const q of callQueries) {
      const want = await calls(memory(), q);
      expect(want.length, label(q)).toBeGreaterThan(0);
      expect(await calls(sqlite(), q), label(q)).toEqual(want);
    }
    expect(await calls(sqlite(), { text: 'agent' })).toEqual([]);
  });

  it('lists the same calls whether it picks from candidates, reads all matches or walks the list', async () => {
    const probe = new SearchProbe(reading);
    const read = (q: CallQuery, search: TextSearch | null) => {
      const { sql, params } = callQuerySql(q, 1, null, search);
      return reading
        .prepare(sql)
        .safeIntegers(true)
        .all(...params) as { id: bigint; span_id: Buffer }[];
    };
    for (const q of callQueries) {
      const query: CallQuery = { project: 'default', limit: 100, ...q };
      const want = (await memory().calls.findCalls(query)).items.map((c) => c.spanId);
      for (const [way, search] of ways(q.text as string, true)) {
        expect(hex(read(query, search), 'span_id'), `${label(q)} (${way})`).toEqual(want);
      }
      const search = ways(q.text as string, true)[2]?.[1] as TextSearch;
      const sorted = walkSorted(
        (cursor, limit) => read({ ...query, text: undefined, cursor, limit }, null),
        (row) => probe.spanMatches(search, row.id),
        q.orderBy ?? { field: 'timestamp', direction: 'desc' },
        undefined,
        100,
      );
      expect(hex(sorted, 'span_id'), `${label(q)} (sorted)`).toEqual(want);
    }
  });
});

describe('the SQLite search index', () => {
  it('forgets the text of expired traces, so a trace that takes their key does not inherit it', async () => {
    const store = new SqliteStorage({ path: freshPath() });
    const old = buildTrace(3, { name: 'ephemeral.task' });
    await store.write([{ project: 'default', spans: old, expiresAtUnixNano: 1000n }]);
    expect(await store.purger.deleteExpired(1000n)).toBe(3);
    const next = buildTrace(3, { name: 'durable.task' });
    await store.write([{ project: 'default', spans: next }]);
    expect((await store.findTraces({ project: 'default', limit: 10, text: 'ephemeral' })).items).toEqual([]);
    expect((await store.findTraces({ project: 'default', limit: 10, text: 'durable' })).items.map((t) => t.traceId)).toEqual([
      next[0]?.traceId,
    ]);
    await store.close();
  });

  it('refuses free text when it keeps no index', async () => {
    const store = new SqliteStorage({ path: freshPath(), searchIndex: false });
    await store.write([{ project: 'default', spans: buildTrace(2, { name: 'unindexed' }) }]);
    expect(store.capabilities.textSearch).toBe(false);
    await expect(store.findTraces({ project: 'default', limit: 10, text: 'unindexed' })).rejects.toThrow(UnsupportedQueryError);
    await expect(store.calls.findCalls({ project: 'default', limit: 10, text: 'unindexed' })).rejects.toThrow(UnsupportedQueryError);
    expect((await store.findTraces({ project: 'default', limit: 10 })).items).toHaveLength(1);
    await store.close();
  });

  it('indexes spans stored after an upgrade from schema version 3, in traces that began before it', async () => {
    const path = freshPath();
    const first = new SqliteStorage({ path });
    const root = buildSpan({ name: 'agent.run', durationMs: 5000 });
    const before = [root, ...[1, 2].map((i) => llmSpan({ traceId: root.traceId, parentSpanId: root.spanId, startMs: i, input: i }))];
    await first.write([{ project: 'default', spans: before, calls: ingestCalls(before) }]);
    await first.close();
    // As schema version 3 left it: no index, and call ids numbering the trace's calls.
    const db = new Database(path);
    db.exec(
      'DROP TABLE span_search; ALTER TABLE llm_calls DROP COLUMN role; ALTER TABLE llm_calls DROP COLUMN taken; UPDATE llm_calls SET id = -id; UPDATE llm_calls SET id = -id - 1;',
    );
    db.exec('ALTER TABLE sessions DROP COLUMN name; ALTER TABLE sessions DROP COLUMN labels;');
    db.pragma('user_version = 3');
    db.close();

    const upgraded = new SqliteStorage({ path });
    const later = llmSpan({
      traceId: root.traceId,
      parentSpanId: root.spanId,
      startMs: 3,
      input: 3,
      extra: { 'gen_ai.input.messages': messages('after the upgrade') },
    });
    await upgraded.write([{ project: 'default', spans: [later], calls: ingestCalls([later]) }]);
    const find = (q: Partial<TraceQuery>) => upgraded.findTraces({ project: 'default', limit: 10, ...q }).then((p) => p.items.length);
    expect(await find({ text: 'upgrade' })).toBe(1);
    expect(await find({ text: 'upgrade', spanName: 'chat gpt-4o-mini' })).toBe(1);
    expect(await find({ text: 'upgrade', spanName: 'agent.run' })).toBe(0);
    expect(await find({ text: 'agent' })).toBe(0);
    const found = await upgraded.calls.findCalls({ project: 'default', limit: 10, text: 'upgrade' });
    expect(found.items.map((c) => c.spanId)).toEqual([later.spanId]);
    expect((await upgraded.calls.findCalls({ project: 'default', limit: 10 })).items).toHaveLength(3);
    await upgraded.close();
  });
});
