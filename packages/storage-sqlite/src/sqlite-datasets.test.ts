import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DatasetStore, MemoryDatasets } from '@sightline/storage';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStorage } from './sqlite-storage.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-datasets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `db-${++n}`, 'sightline.db');

/** Every row of a dataset, read `slice` at a time. */
async function readAll(store: DatasetStore, project: string, name: string, slice: number): Promise<string[] | null> {
  let page = await store.readRows(project, name, 0, slice);
  if (!page) return null;
  const rows = [...page.rows];
  while (page.next !== null) {
    page = await store.readRows(project, name, page.next, slice);
    if (!page) throw new Error('dataset vanished');
    rows.push(...page.rows);
  }
  return rows;
}

const stores: [string, () => { datasets: DatasetStore; close(): Promise<void> }][] = [
  ['memory', () => ({ datasets: new MemoryDatasets(), close: async () => undefined })],
  ['sqlite', () => new SqliteStorage({ path: freshPath() })],
];

describe.each(stores)('datasets (%s)', (_kind, open) => {
  it('appends rows in order, lists datasets by name with row counts, reads them back a slice at a time', async () => {
    const store = open();
    const { datasets } = store;
    const rows = Array.from({ length: 25 }, (_, i) => JSON.stringify({ i }));
    await datasets.appendRows('default', 'b', rows.slice(0, 10));
    await datasets.appendRows('default', 'a', ['{"x":1}']);
    await datasets.appendRows('default', 'b', rows.slice(10));
    await datasets.appendRows('other', 'b', ['{"y":2}']);
    expect(await datasets.listDatasets('default')).toEqual([
      { name: 'a', rowCount: 1 },
      { name: 'b', rowCount: 25 },
    ]);
    expect(await readAll(datasets, 'default', 'b', 7)).toEqual(rows);
    expect(await readAll(datasets, 'default', 'b', 25)).toEqual(rows);
    expect(await readAll(datasets, 'other', 'b', 7)).toEqual(['{"y":2}']);
    expect(await datasets.readRows('default', 'missing', 0, 10)).toBeNull();
    expect(await datasets.listDatasets('nobody')).toEqual([]);
    // Appending nothing creates nothing.
    await datasets.appendRows('default', 'empty', []);
    expect(await datasets.readRows('default', 'empty', 0, 10)).toBeNull();
    await store.close();
  });
});

describe('sqlite datasets', () => {
  it('keep their rows across close and reopen', async () => {
    const path = freshPath();
    const first = new SqliteStorage({ path });
    await first.datasets.appendRows('default', 'evals', ['{"a":1}', '{"a":2}']);
    await first.close();
    const second = new SqliteStorage({ path });
    expect(await second.datasets.listDatasets('default')).toEqual([{ name: 'evals', rowCount: 2 }]);
    expect((await second.datasets.readRows('default', 'evals', 0, 10))?.rows).toEqual(['{"a":1}', '{"a":2}']);
    await second.close();
  });

  it('are added to a database made before them (schema 5 → 6)', async () => {
    const path = freshPath();
    await new SqliteStorage({ path }).close();
    const db = new Database(path);
    db.exec('DROP TABLE dataset_rows; ALTER TABLE sessions DROP COLUMN name; ALTER TABLE sessions DROP COLUMN labels;');
    db.exec('ALTER TABLE llm_calls DROP COLUMN taken;');
    db.pragma('user_version = 5');
    db.close();
    const upgraded = new SqliteStorage({ path });
    await upgraded.datasets.appendRows('default', 'evals', ['{}']);
    expect(await upgraded.datasets.listDatasets('default')).toEqual([{ name: 'evals', rowCount: 1 }]);
    await upgraded.close();
  });
});
