import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../schema/migrations.js';
import { bloomMayContain, buildBloom, keyHashes } from './bloom.js';
import { IdIndex } from './id-index.js';

function freshDb(): Database.Database {
  const db = new Database(':memory:');
  migrate(db);
  return db;
}

describe('the id index', () => {
  it('finds ids whether they are recent or sealed into blocks', () => {
    const db = freshDb();
    const index = new IdIndex(db, 'span', 8, 100);
    const ids = Array.from({ length: 1050 }, () => randomBytes(8));
    // As the writer does: ids added during a batch, flushed before it commits.
    db.transaction(() => {
      for (const [i, id] of ids.entries()) {
        index.add(id, i + 1);
        if (i % 10 === 9) index.flush();
      }
    })();
    expect(db.prepare('SELECT count(*) FROM span_id_blocks').pluck().get()).toBe(10);
    expect(db.prepare('SELECT count(*) FROM recent_span_ids').pluck().get()).toBe(50);
    // A second index on the same database (a reader) sees the same.
    const reader = new IdIndex(db, 'span', 8, 100);
    for (const i of [0, 99, 100, 555, 999, 1000, 1049]) expect(reader.lookup(ids[i] as Buffer)).toEqual([i + 1]);
    expect(reader.lookup(randomBytes(8))).toEqual([]);
  });

  it('keeps every value of an id recorded more than once', () => {
    const db = freshDb();
    const index = new IdIndex(db, 'trace', 20, 3);
    const id = randomBytes(20);
    db.transaction(() => {
      index.add(id, 7);
      index.add(randomBytes(20), 1);
      index.add(randomBytes(20), 2);
      index.add(id, 9);
      index.add(id, 9);
      index.flush();
    })();
    expect(index.lookup(id).sort()).toEqual([7, 9]);
  });

  it('finds ids added and not yet flushed, for the writer itself; forgets them when rolled back', () => {
    const db = freshDb();
    const index = new IdIndex(db, 'trace', 20, 1000);
    const ids = Array.from({ length: 150 }, () => randomBytes(20));
    db.transaction(() => {
      for (const [i, id] of ids.entries()) index.add(id, i + 1);
      expect(index.lookup(ids[149] as Buffer)).toEqual([150]);
      index.add(randomBytes(20), 151);
      index.flush();
    })();
    const kept = randomBytes(20);
    expect(() =>
      db.transaction(() => {
        index.add(kept, 152);
        index.flush();
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    index.reset();
    expect(index.lookup(kept)).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM recent_trace_ids').pluck().get()).toBe(151);
    // Counting again after the reset, the index seals at the right size.
    const more = new IdIndex(db, 'trace', 20, 160);
    db.transaction(() => {
      for (let i = 0; i < 9; i++) more.add(randomBytes(20), 200 + i);
      more.flush();
    })();
    expect(db.prepare('SELECT count(*) FROM trace_id_blocks').pluck().get()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM recent_trace_ids').pluck().get()).toBe(0);
  });

  it('seals the same blocks from its own copy of the recent ids as from the tree', () => {
    const ids = Array.from({ length: 450 }, (_, i) => (i % 9 === 0 ? Buffer.alloc(8, i % 4) : randomBytes(8)));
    const blocks = (before: number) => {
      const db = freshDb();
      // `before` ids were added by an earlier connection: this one reads them back to seal.
      const earlier = new IdIndex(db, 'span', 8, 1000);
      db.transaction(() => {
        for (let i = 0; i < before; i++) earlier.add(ids[i] as Buffer, i + 1);
        earlier.flush();
      })();
      const index = new IdIndex(db, 'span', 8, 100);
      db.transaction(() => {
        for (let i = before; i < ids.length; i++) {
          index.add(ids[i] as Buffer, i + 1);
          if (i % 10 === 9) index.flush();
        }
        index.flush();
      })();
      return {
        blocks: db.prepare('SELECT id, min_value, max_value, hex(bloom) FROM span_id_blocks ORDER BY id').raw().all(),
        runs: db.prepare('SELECT block, hex(first), hex(ids), hex(vals) FROM span_id_runs ORDER BY block, first').raw().all(),
        recent: db.prepare('SELECT count(*) FROM recent_span_ids').pluck().get(),
      };
    };
    const fromCopy = blocks(0);
    expect(fromCopy.blocks).toHaveLength(4);
    expect(fromCopy.recent).toBe(50);
    expect(blocks(50)).toEqual(fromCopy);
  });

  it('forgets blocks whose values all fall below a floor', () => {
    const db = freshDb();
    const index = new IdIndex(db, 'span', 8, 10);
    const ids = Array.from({ length: 30 }, () => randomBytes(8));
    db.transaction(() => {
      for (const [i, id] of ids.entries()) {
        index.add(id, i + 1);
        if (i % 10 === 9) index.flush();
      }
    })();
    expect(index.lookup(ids[0] as Buffer)).toEqual([1]);
    index.dropBelow(11);
    expect(index.lookup(ids[0] as Buffer)).toEqual([]);
    expect(index.lookup(ids[15] as Buffer)).toEqual([16]);
  });
});

describe('the Bloom filter', () => {
  it('never misses a key it holds and rarely claims one it does not', () => {
    const count = 5000;
    const keys = randomBytes(count * 8);
    const bloom = buildBloom(keys, 8, count);
    for (let k = 0; k < count; k++) expect(bloomMayContain(bloom, keyHashes(keys, k * 8, k * 8 + 8))).toBe(true);
    let false_positives = 0;
    for (let i = 0; i < 20_000; i++) if (bloomMayContain(bloom, keyHashes(randomBytes(8)))) false_positives++;
    expect(false_positives / 20_000).toBeLessThan(0.005);
  });

  it('spreads structured ids (counters) as well as random ones', () => {
    const count = 4096;
    const keys = new Uint8Array(count * 8);
    const view = new DataView(keys.buffer);
    for (let k = 0; k < count; k++) view.setUint32(k * 8 + 4, k);
    const bloom = buildBloom(keys, 8, count);
    let hits = 0;
    const probe = new Uint8Array(8);
    for (let k = count; k < count + 20_000; k++) {
      new DataView(probe.buffer).setUint32(4, k);
      if (bloomMayContain(bloom, keyHashes(probe))) hits++;
    }
    expect(hits / 20_000).toBeLessThan(0.005);
  });
});
