import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTrace } from '@sightline/storage/testing';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseInUseError } from './database-lock.js';
import { holdDatabase } from './hold-database.js';
import { SqliteStorage } from './sqlite-storage.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `db-${++n}`, 'sightline.db');

/** Runs `holdDatabase(path)` in another process, which prints its PID once it holds the database. */
function holdInChild(path: string) {
  const source = fileURLToPath(new URL('./hold-database.ts', import.meta.url));
  const code = `const { holdDatabase } = await import(${JSON.stringify(source)}); holdDatabase(${JSON.stringify(path)}); console.log(process.pid); setInterval(() => {}, 1000);`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const holding = new Promise<number>((resolve, reject) => {
    proc.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    proc.once('exit', (code) => reject(new Error(`the holder exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return { proc, holding, exited };
}

describe('holding a database', () => {
  it('refuses a second holder, naming the first one’s PID, until the first releases it', () => {
    const path = freshPath();
    const first = holdDatabase(path);
    expect(readFileSync(`${path}.pid`, 'utf8').trim()).toBe(String(process.pid));
    let refused: unknown;
    try {
      holdDatabase(path);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(DatabaseInUseError);
    expect((refused as DatabaseInUseError).pid).toBe(process.pid);
    expect((refused as Error).message).toBe(`the database ${path} is in use by another Sightline (PID ${process.pid})`);
    first.release();
    first.release();
    expect(existsSync(`${path}.pid`)).toBe(false);
    holdDatabase(path).release();
  });

  it('is held by an open SqliteStorage, which readers can still open; closing lets go', async () => {
    const path = freshPath();
    const store = new SqliteStorage({ path });
    const spans = buildTrace(3);
    await store.write([{ project: 'default', spans }]);
    expect(() => new SqliteStorage({ path })).toThrow(DatabaseInUseError);
    const reader = new Database(path, { readonly: true });
    expect(reader.prepare('SELECT count(*) FROM spans').pluck().get()).toBe(3);
    reader.close();
    await store.close();
    const again = new SqliteStorage({ path });
    expect((await again.getTrace({ project: 'default', traceId: spans[0]?.traceId as string }))?.spans).toHaveLength(3);
    await again.close();
    // In-memory databases are private to their connection: nothing to hold.
    await Promise.all([new SqliteStorage({ path: ':memory:' }).close(), new SqliteStorage({ path: ':memory:' }).close()]);
  });

  it('lets go if opening fails after taking it', async () => {
    const path = freshPath();
    await new SqliteStorage({ path }).close();
    const db = new Database(path);
    db.pragma('user_version = 999');
    db.close();
    expect(() => new SqliteStorage({ path })).toThrow(/newer than this Sightline understands/);
    holdDatabase(path).release();
  });

  it('does not go stale when its holder is killed with SIGKILL', async () => {
    const path = freshPath();
    const child = holdInChild(path);
    const pid = await child.holding;
    expect(() => holdDatabase(path)).toThrow(`(PID ${pid})`);
    child.proc.kill('SIGKILL');
    await child.exited;
    // The killed holder's PID file is left behind; the lock went with the process.
    expect(readFileSync(`${path}.pid`, 'utf8').trim()).toBe(String(pid));
    const lock = holdDatabase(path);
    expect(readFileSync(`${path}.pid`, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });
});
