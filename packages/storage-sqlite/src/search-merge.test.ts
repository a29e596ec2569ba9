import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSpan } from '@sightline/storage/testing';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from './schema/migrations.js';
import { SearchMerger } from './search-merge.js';
import { SqliteStorage } from './sqlite-storage.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-search-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `db-${++n}.db`);

/** Rows of the index's pages: every segment has at least one, so merging segments drops them. */
const indexRows = (db: Database.Database) => db.prepare('SELECT count(*) FROM span_search_data').pluck().get() as number;
const matching = (db: Database.Database, word: string) =>
  db.prepare('SELECT rowid FROM span_search WHERE span_search MATCH ? ORDER BY rowid').pluck().all(`"${word}"`);

describe('merging the search index', () => {
  it('writes leave segments for idle merging, which keeps every match', () => {
    const db = new Database(freshPath());
    migrate(db);
    expect(db.prepare("SELECT v FROM span_search_config WHERE k = 'automerge'").pluck().get()).toBe(16);
    const insert = db.prepare('INSERT INTO span_search (rowid, text) VALUES (?, ?)');
    // 40 commits: 40 segments, of which writes merged only the first 16.
    for (let c = 0; c < 40; c++)
      db.transaction(() => {
        for (let i = 0; i < 25; i++) insert.run(c * 100 + i, `refund order ${c % 2 ? 'odd' : 'even'} word${c}x${i}`);
      })();
    db.prepare('DELETE FROM span_search WHERE rowid = ?').run(101);
    const before = { rows: indexRows(db), refund: matching(db, 'refund'), odd: matching(db, 'odd'), one: matching(db, 'word1x1') };
    expect(before.refund).toHaveLength(999);
    expect(before.one).toEqual([]);

    const merger = new SearchMerger(db);
    let steps = 0;
    while (merger.step()) steps++;
    expect(steps).toBeGreaterThan(0);
    expect(indexRows(db)).toBeLessThan(before.rows / 2);
    expect({ refund: matching(db, 'refund'), odd: matching(db, 'odd'), one: matching(db, 'word1x1') }).toEqual({
      refund: before.refund,
      odd: before.odd,
      one: [],
    });
    expect(matching(db, 'word39x24')).toEqual([3924]);
    // Nothing is left to merge.
    expect(merger.step()).toBe(false);
    db.close();
  });

  it('has nothing to merge in an empty index', () => {
    const db = new Database(':memory:');
    migrate(db);
    expect(new SearchMerger(db).step()).toBe(false);
    db.close();
  });

  it('is done by the writer once it is idle', async () => {
    const path = freshPath();
    const store = new SqliteStorage({ path });
    for (let c = 0; c < 30; c++)
      await store.writer.write([{ project: 'default', spans: [buildSpan({ name: `step ${c}`, traceId: `${c + 1}`.padStart(32, '0') })] }]);
    const db = new Database(path, { readonly: true });
    const written = indexRows(db);
    let rows = written;
    for (let waited = 0; waited < 10_000 && rows >= written / 2; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      rows = indexRows(db);
    }
    expect(rows).toBeLessThan(written / 2);
    expect(db.prepare('SELECT count(*) FROM span_search WHERE span_search MATCH ?').pluck().get('step')).toBe(30);
    db.close();
    await store.close();
  });
});
