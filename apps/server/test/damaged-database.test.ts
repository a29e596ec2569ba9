import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTrace } from '@sightline/storage/testing';
import { SqliteStorage } from '@sightline/storage-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { damageTable } from '../../../testing/damage-sqlite.js';
import { runSightline, startChildServer } from './support/child-server.js';
import { getJson } from './support/test-server.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-damaged-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const db = join(dir, 'sightline.db');
let traceId: string;

/** A database written by the real store, then its spans table overwritten with garbage. */
beforeAll(async () => {
  const store = new SqliteStorage({ path: db });
  const traces = Array.from({ length: 30 }, (_, i) => buildTrace(4, { startMs: i }));
  await store.write([{ project: 'default', spans: traces.flat() }]);
  await store.close();
  traceId = traces[0]?.[0]?.traceId as string;
  damageTable(db, 'spans');
});

describe('a damaged database', () => {
  it('sightline check exits 1 and says what SQLite found', async () => {
    const run = runSightline(['check', '--db', db]);
    expect((await run.exited).code).toBe(1);
    const lines = run.stdout().split('\n');
    expect(lines[0]).toMatch(
      new RegExp(`^damaged: ${db} \\(\\d+\\.\\d MiB, schema version \\d+\\) failed the integrity check: \\d+ problems?$`),
    );
    expect(lines[1]).toMatch(/^ {2}Tree \d+ page \d+: /);
    expect(run.stdout()).toContain('restore a backup');
  });

  it('the server starts, answers the reads that meet the damage with a 500 that says so, and /healthz reports it; the log says it once', async () => {
    const child = await startChildServer(['--db', db]);
    expect((await getJson(child.api, '/healthz')).body).toMatchObject({ status: 'ok', storage_problem: null });
    // The trace list reads the traces table only, which is intact.
    expect((await getJson(child.api, '/api/traces')).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const { status, body } = await getJson(child.api, `/api/traces/${traceId}`);
      expect(status).toBe(500);
      expect(body.error.message).toMatch(new RegExp(`^the database ${db} is damaged \\(SQLITE_CORRUPT.*\\): run \`sightline check\``));
    }
    const health = await getJson(child.api, '/healthz');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.storage_problem).toMatch(/is damaged \(SQLITE_CORRUPT.*\): run `sightline check`/);
    child.proc.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
    const logged = child
      .stderr()
      .split('\n')
      .filter((line) => line.includes('is damaged'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/ error .*SQLITE_CORRUPT.*sightline check/);
  });

  it('sightline check exits 2 when there is no database to check', async () => {
    const run = runSightline(['check', '--db', join(dir, 'none.db')]);
    expect((await run.exited).code).toBe(2);
    expect(run.stderr()).toMatch(/^sightline: cannot open the database .*none\.db: /);
  });
});
