import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.js';

describe('the writer’s copy of recent ids', () => {
  it('sorts as SQLite orders the recent tree: by bytes, then value', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (id BLOB NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (id, value)) WITHOUT ROWID');
    const insert = db.prepare('INSERT OR IGNORE INTO t VALUES (?, ?)');
    const recent = new RecentIds(8, 4);
    const shared = randomBytes(4);
    const ids: Buffer[] = [];
    for (let i = 0; i < 3000; i++) {
      // Ids that tie on their first four bytes, ids seen again with another value, high bytes.
      const id =
        i % 5 === 0
          ? Buffer.concat([shared, randomBytes(4)])
          : i % 7 === 0 && ids.length
            ? (ids[i % ids.length] as Buffer)
            : randomBytes(8);
      ids.push(id);
      const value = i % 3 === 0 ? 2 ** 40 + i : 3000 - i;
      insert.run(id, value);
      recent.push(id, value);
    }
    const want = db.prepare('SELECT id, value FROM t ORDER BY id, value').raw().all() as [Buffer, number][];
    const sorted = recent.sorted();
    expect(sorted.count).toBe(want.length);
    const got = Array.from({ length: sorted.count }, (_, i) => [
      Buffer.from(sorted.ids.subarray(i * 8, i * 8 + 8)).toString('hex'),
      sorted.values[i],
    ]);
    expect(got).toEqual(want.map(([id, value]) => [id.toString('hex'), value]));
  });
});
