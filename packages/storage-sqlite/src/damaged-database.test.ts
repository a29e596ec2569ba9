import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { StorageDamagedError } from '@sightline/storage';
import { buildTrace } from '@sightline/storage/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { damageTable } from '../../../testing/damage-sqlite.js';
import { checkDatabase } from './check-database.js';
import { SCHEMA_VERSION } from './schema/migrations.js';
import { SqliteStorage } from './sqlite-storage.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-damage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `db-${++n}`, 'sightline.db');

/** A database holding `traces` traces of 5 spans, closed. */
async function written(path: string, traces: number) {
  const store = new SqliteStorage({ path });
  const spans = Array.from({ length: traces }, (_, i) => buildTrace(5, { startMs: i }));
  await store.write([{ project: 'default', spans: spans.flat() }]);
  await store.close();
  return spans.map((t) => t[0]?.traceId as string);
}

describe('a damaged database', () => {
  it('fails the reads that meet the damage, reports it once in health, and answers the rest', async () => {
    const path = freshPath();
    const [traceId] = await written(path, 40);
    expect(damageTable(path, 'spans').length).toBeGreaterThan(0);
    const damage: StorageDamagedError[] = [];
    const store = new SqliteStorage({ path, onDamage: (d) => damage.push(d) });
    expect(store.health().damage).toBeNull();
    // The trace list reads the traces table, which is intact.
    expect((await store.findTraces({ project: 'default', limit: 5 })).items).toHaveLength(5);
    for (let i = 0; i < 2; i++) {
      const read = store.getTrace({ project: 'default', traceId: traceId as string });
      await expect(read).rejects.toBeInstanceOf(StorageDamagedError);
      await expect(read).rejects.toThrow(`the database ${path} is damaged (SQLITE_CORRUPT`);
    }
    expect(damage).toHaveLength(1);
    expect(store.health().damage).toBe(damage[0]?.message);
    await store.close();
  });

  it('is found by checkDatabase, which names the problems and caps them', async () => {
    const path = freshPath();
    await written(path, 40);
    expect(checkDatabase(path)).toMatchObject({ status: 'ok', schemaVersion: SCHEMA_VERSION });
    damageTable(path, 'spans');
    const full = checkDatabase(path);
    expect(full.status).toBe('damaged');
    if (full.status !== 'damaged') return;
    expect(full.problems.length).toBeGreaterThan(0);
    // SQLite's own words, naming the damaged page.
    expect(full.problems[0]).toMatch(/^Tree \d+ page \d+: /);
    expect(full.more).toBe(false);
    expect(full.schemaVersion).toBe(SCHEMA_VERSION);
    const capped = checkDatabase(path, { maxProblems: 1 });
    expect(capped).toMatchObject({ status: 'damaged', problems: [full.problems[0]], more: true });
    expect(checkDatabase(path, { quick: true }).status).toBe('damaged');
  });

  it('refuses to open a file that is not a database, saying it is damaged, and lets go of it', () => {
    const path = freshPath();
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, Buffer.alloc(64 * 1024, 0x5a));
    expect(() => new SqliteStorage({ path })).toThrow(StorageDamagedError);
    expect(() => new SqliteStorage({ path })).toThrow(/is damaged, or is not a SQLite database \(SQLITE_NOTADB/);
    expect(checkDatabase(path)).toMatchObject({ status: 'damaged', problems: [expect.stringMatching(/^SQLITE_NOTADB/)] });
    expect(checkDatabase(join(dir, 'missing.db'))).toMatchObject({ status: 'unreadable' });
  });
});
