import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RowBuffer } from './row-buffer.js';

describe('a row buffer', () => {
  it('inserts rows in the order added, a statement’s worth at a time and the rest at flush', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (seq INTEGER PRIMARY KEY AUTOINCREMENT, a INTEGER, b TEXT UNIQUE)');
    const rows = new RowBuffer(db, 'INSERT OR IGNORE INTO t (a, b) VALUES', '(?, ?)', 2, 4);
    const count = () => db.prepare('SELECT count(*) FROM t').pluck().get();
    const add = (a: number, b: string) => {
      rows.values[rows.offset] = a;
      rows.values[rows.offset + 1] = b;
      rows.added();
    };
    for (let i = 0; i < 3; i++) add(i, `b${i}`);
    expect(rows.pending).toBe(true);
    expect(count()).toBe(0);
    add(3, 'b3');
    expect(count()).toBe(4);
    expect(rows.pending).toBe(false);
    add(4, 'b1');
    add(5, 'b5');
    // Changes since the last flush: the four, then one of the two (b1 was there).
    expect(rows.flush()).toBe(5);
    expect(rows.flush()).toBe(0);
    expect(db.prepare('SELECT a FROM t ORDER BY seq').pluck().all()).toEqual([0, 1, 2, 3, 5]);
    add(6, 'b6');
    rows.reset();
    expect(rows.flush()).toBe(0);
    expect(count()).toBe(5);
  });
});
