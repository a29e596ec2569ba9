import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInPrices, Pricer, type Span } from '@sightline/core';
import { type CallOrder, type CallQuery, type Page, type TraceOrder, type TraceQuery, unknownSortValue } from '@sightline/storage';
import { buildSpan, ingestCalls, llmSpan, T0 } from '@sightline/storage/testing';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlockBound, walkBlocks } from './bounds-walk.js';
import { callQuerySql } from './call-query-sql.js';
import { blobToHex } from './ids.js';
import { CALL_BOUND_FIELDS, TRACE_BOUND_FIELDS } from './sort-bounds.js';
import { SqliteStorage } from './sqlite-storage.js';
import { traceQuerySql } from './trace-query-sql.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-bounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `db-${++n}`, 'sightline.db');

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1_103_515_245) + 12_345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

const TRACES = 1_280;
const PER_BATCH = 64;
const MS = 1_000_000n;

/**
 * Batches of 64 traces (twenty blocks of 64 in all, more than a walk's first read) of a root
 * and one to four calls, with figures that grow from trace to trace beside a wide random part
 * (so blocks' bounds differ, and a walk leaves most of them unread), some unknown (an
 * unpriced model, no input token count, no time to first token), and errors; plus an agent
 * run whose calls come four per batch, so its span count and totals keep growing after its
 * first batch.
 */
function batches(): Span[][] {
  const rand = random(7);
  const int = (max: number) => Math.floor(rand() * max);
  const run = buildSpan({ name: 'agent.run', startMs: 0, durationMs: 600_000 });
  const out: Span[][] = [];
  for (let i = 0; i < TRACES; i++) {
    if (i % PER_BATCH === 0) out.push(i === 0 ? [run] : []);
    const batch = out[out.length - 1] as Span[];
    const startMs = 1_000 + i * 1_000;
    const root = buildSpan({
      name: 'agent.run',
      startMs,
      durationMs: 100 + i * 40 + int(20_000),
      status: rand() < 0.1 ? 'error' : undefined,
    });
    batch.push(root);
    for (let k = 0, calls = 1 + int(4); k < calls; k++) {
      const unpriced = rand() < 0.15;
      batch.push(
        llmSpan({
          traceId: root.traceId,
          parentSpanId: root.spanId,
          startMs: startMs + k,
          durationMs: 50 + i * 20 + int(10_000),
          model: unpriced ? 'mystery-model' : rand() < 0.5 ? 'gpt-4o' : 'gpt-4o-mini',
          input: rand() < 0.1 ? undefined : 1_000 + i * 10 + int(5_000),
          output: int(3_000),
          ttftS: rand() < 0.3 ? undefined : i / 500 + rand() * 2,
          status: rand() < 0.1 ? 'error' : undefined,
        }),
      );
    }
  }
  for (const [i, batch] of out.entries()) {
    for (let k = 0; k < 4; k++) {
      batch.push(
        llmSpan({
          traceId: run.traceId,
          parentSpanId: run.spanId,
          startMs: i * 1_000 + k,
          model: 'mystery-model',
          input: 900 + i * 10 + k,
          output: 5,
        }),
      );
    }
  }
  return out;
}

async function fill(store: SqliteStorage): Promise<Span[][]> {
  const all = batches();
  for (const spans of all) await store.writer.write([{ project: 'default', spans, calls: ingestCalls(spans) }]);
  return all;
}

const callQueries: Partial<CallQuery>[] = [
  ...CALL_BOUND_FIELDS.flatMap((field) =>
    (['desc', 'asc'] as const).map((direction): Partial<CallQuery> => ({ orderBy: { field, direction } as CallOrder })),
  ),
  { orderBy: { field: 'cost', direction: 'desc' }, model: 'gpt-4o' },
  { orderBy: { field: 'duration', direction: 'asc' }, from: T0 + 100_000n * MS, to: T0 + 200_000n * MS },
  { orderBy: { field: 'ttft', direction: 'desc' }, status: 'error' },
];

const traceQueries: Partial<TraceQuery>[] = [
  ...TRACE_BOUND_FIELDS.flatMap((field) =>
    (['desc', 'asc'] as const).map((direction): Partial<TraceQuery> => ({ orderBy: { field, direction } as TraceOrder })),
  ),
  { orderBy: { field: 'cost', direction: 'desc' }, startFrom: T0 + 100_000n * MS, startTo: T0 + 150_000n * MS },
  { orderBy: { field: 'duration', direction: 'desc' }, status: 'error' },
  { orderBy: { field: 'total_tokens', direction: 'asc' }, model: 'mystery-model' },
];

const label = (q: object) => JSON.stringify(q, (_, v) => (typeof v === 'bigint' ? String(v) : v));

/** Every item of a list, following its cursor a page at a time. */
async function everyPage<T>(page: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const seen: T[] = [];
  let cursor: string | undefined;
  do {
    const got = await page(cursor);
    seen.push(...got.items);
    cursor = got.nextCursor ?? undefined;
  } while (cursor);
  return seen;
}

/** Every call of the list, a page of 97 at a time, as the store gives them. */
async function pagedCalls(store: SqliteStorage, q: Partial<CallQuery>): Promise<string[]> {
  const calls = await everyPage((cursor) => store.calls.findCalls({ project: 'default', limit: 97, ...q, cursor }));
  return calls.map((c) => c.spanId);
}

async function pagedTraces(store: SqliteStorage, q: Partial<TraceQuery>): Promise<string[]> {
  const traces = await everyPage((cursor) => store.reader.findTraces({ project: 'default', limit: 97, ...q, cursor }));
  return traces.map((t) => t.traceId);
}

/** The whole list in one query that sorts every row (the list's plain SQL, no bounds). */
function sortedCalls(db: Database.Database, q: Partial<CallQuery>): string[] {
  const { sql, params } = callQuerySql({ project: 'default', limit: 100_000, ...q }, 1, null);
  return (db.prepare(sql).all(...params) as { span_id: Buffer }[]).map((r) => blobToHex(r.span_id));
}

function sortedTraces(db: Database.Database, q: Partial<TraceQuery>): string[] {
  const { sql, params } = traceQuerySql({ project: 'default', limit: 100_000, ...q }, 1);
  return (db.prepare(sql).all(...params) as { trace_id: Buffer }[]).map((r) => blobToHex(r.trace_id));
}

async function expectListsSorted(store: SqliteStorage, db: Database.Database): Promise<void> {
  for (const q of callQueries) {
    const want = sortedCalls(db, q);
    expect(want.length, label(q)).toBeGreaterThan(0);
    expect(await pagedCalls(store, q), label(q)).toEqual(want);
  }
  for (const q of traceQueries) {
    const want = sortedTraces(db, q);
    expect(want.length, label(q)).toBeGreaterThan(0);
    expect(await pagedTraces(store, q), label(q)).toEqual(want);
  }
}

describe('lists sorted by a figure, read through sort bounds', () => {
  let store: SqliteStorage;
  let path: string;
  let db: Database.Database;
  beforeAll(async () => {
    path = freshPath();
    store = new SqliteStorage({ path });
    await fill(store);
    db = new Database(path, { readonly: true });
  }, 60_000);
  afterAll(async () => {
    db.close();
    await store.close();
  });

  it('page every sortable order, both ways, with filters and time ranges, as sorting every row does', async () => {
    expect(db.prepare('SELECT count(*) FROM trace_bounds').pluck().get()).toBe(21);
    await expectListsSorted(store, db);
  });

  it('put first the call whose new price makes it the costliest, and its trace', async () => {
    const before = await store.calls.findCalls({ project: 'default', limit: 1, orderBy: { field: 'cost', direction: 'desc' } });
    const top = before.items[0]?.costUsd as number;
    // One call of the agent run (900 input tokens, unpriced until now, in the first block, whose calls
    // are the cheapest): priced far above the rest, which keep their prices.
    const pricer = new Pricer(builtInPrices());
    await store.repriceCalls((call) =>
      call.inputTokens === 900
        ? { costUsd: top * 100, costBreakdown: null, costSource: 'override', priceModel: 'test' }
        : pricer.price(call),
    );
    const calls = await store.calls.findCalls({ project: 'default', limit: 1, orderBy: { field: 'cost', direction: 'desc' } });
    expect(calls.items[0]?.inputTokens).toBe(900);
    expect(calls.items[0]?.costUsd).toBe(top * 100);
    const traces = await store.reader.findTraces({ project: 'default', limit: 1, orderBy: { field: 'cost', direction: 'desc' } });
    expect(traces.items[0]?.traceId).toBe(calls.items[0]?.traceId);
    await expectListsSorted(store, db);
  });

  it('drop the bounds of a block once its traces are deleted, and keep the rest right', async () => {
    // The first 63 traces stored (keys 1–63) are the whole first block.
    const first = (db.prepare('SELECT trace_id FROM traces WHERE id < 64').pluck().all() as Buffer[]).map(blobToHex);
    expect(first).toHaveLength(63);
    await store.deleteTraces('default', first);
    expect(db.prepare('SELECT count(*) FROM trace_bounds WHERE block = 0').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM call_bounds WHERE block = 0').pluck().get()).toBe(0);
    await expectListsSorted(store, db);
  });
});

it('builds the sort bounds of a database stored before them, when it is opened', async () => {
  const path = freshPath();
  const before = new SqliteStorage({ path });
  await fill(before);
  await before.close();
  const raw = new Database(path);
  raw.exec('DROP TABLE call_bounds; DROP TABLE trace_bounds;');
  raw.pragma('user_version = 13');
  raw.close();
  const store = new SqliteStorage({ path });
  const db = new Database(path, { readonly: true });
  try {
    expect(db.prepare('SELECT count(*) FROM call_bounds').pluck().get()).toBe(21);
    await expectListsSorted(store, db);
  } finally {
    db.close();
    await store.close();
  }
}, 60_000);

it('reads a block whose known values all sort after the rows without one, for those rows', async () => {
  // Ten blocks of calls without token counts; in the tenth, one call reports a negative count,
  // which sorts after the unknown ones (a list puts those at -1 going down).
  const path = freshPath();
  const store = new SqliteStorage({ path });
  const spans: Span[] = [];
  for (let i = 0; i < 640; i++) {
    const root = buildSpan({ name: 'agent.run', startMs: i * 1_000 });
    spans.push(root, llmSpan({ traceId: root.traceId, parentSpanId: root.spanId, startMs: i * 1_000 + 1 }));
    if (i === 638) spans.push(llmSpan({ traceId: root.traceId, parentSpanId: root.spanId, startMs: i * 1_000 + 2, input: -15, output: 5 }));
  }
  await store.writer.write([{ project: 'default', spans, calls: ingestCalls(spans) }]);
  const db = new Database(path, { readonly: true });
  try {
    const q: Partial<CallQuery> = { orderBy: { field: 'total_tokens', direction: 'desc' } };
    const want = sortedCalls(db, q);
    expect(want).toHaveLength(641);
    expect(await pagedCalls(store, q)).toEqual(want);
  } finally {
    db.close();
    await store.close();
  }
});

describe('walkBlocks', () => {
  /** Rows 0–999 in blocks of 10 ids; row i's value is given, the read blocks recorded. */
  const lists = (value: (id: number) => number) => {
    const rows = Array.from({ length: 1000 }, (_, id) => ({ id: BigInt(id), sort_value: value(id) }));
    const bounds: BlockBound[] = Array.from({ length: 100 }, (_, block) => ({
      block,
      bound: Math.max(...rows.slice(block * 10, block * 10 + 10).map((r) => r.sort_value)),
    }));
    const read: number[] = [];
    const walk = (limit: number) =>
      walkBlocks(bounds, 'desc', 10, limit, (blocks) => {
        read.push(...blocks);
        return rows
          .filter((r) => blocks.includes(Math.floor(Number(r.id) / 10)))
          .sort((a, b) => b.sort_value - a.sort_value || Number(b.id - a.id))
          .slice(0, limit + 1);
      });
    const all = [...rows].sort((a, b) => b.sort_value - a.sort_value || Number(b.id - a.id));
    return { walk, read, all };
  };

  it('stops at the first block whose bound shows it cannot hold the first rows', () => {
    // Values grow with ids: the first rows are in the last two blocks, found by the first read (8 blocks).
    const growing = lists((id) => id);
    expect(growing.walk(10)).toEqual(growing.all.slice(0, 11));
    expect(growing.read).toEqual([99, 98, 97, 96, 95, 94, 93, 92]);
    // Values shuffled: more blocks can hold them, still not all.
    const shuffled = lists((id) => (id * 7919) % 1000);
    expect(shuffled.walk(10)).toEqual(shuffled.all.slice(0, 11));
    expect(shuffled.read.length).toBeLessThan(50);
  });

  it('settles ties by id, reading past blocks whose bound equals the last value only when their ids come first', () => {
    // Every row the same value: the page is the highest ids, found in the last blocks.
    const { walk, read, all } = lists(() => 5);
    expect(walk(10)).toEqual(all.slice(0, 11));
    expect(Math.min(...read)).toBeGreaterThanOrEqual(90);
  });

  it('reads every block when it must (unknown values sort last)', () => {
    const unknown = unknownSortValue('desc');
    const { walk, read, all } = lists((id) => (id % 3 === 0 ? unknown : id));
    expect(walk(999)).toEqual(all);
    expect(new Set(read).size).toBe(100);
  });
});
