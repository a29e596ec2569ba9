import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANY_FREE_PORTS, runSightline, startChildServer } from './support/child-server.js';
import { json } from './support/test-server.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-cli-clickhouse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sightline serve --storage clickhouse', () => {
  it('keeps data in ClickHouse in-process (--clickhouse-path), across a restart', async () => {
    const path = join(dir, 'chdb');
    const first = await startChildServer(['--storage', 'clickhouse', '--clickhouse-path', path]);
    expect(first.stderr()).toContain(`Storage          ClickHouse in-process (chdb) ${path}`);
    expect((await json(await fetch(`${first.api}/healthz`))).storage).toBe('clickhouse');
    const demo = runSightline(['demo', '--url', first.api, '--traces', '12', '--seed', '7']);
    expect((await demo.exited).code).toBe(0);
    const before = await json(await fetch(`${first.api}/api/traces?limit=100`));
    expect(before.data).toHaveLength(12);
    first.proc.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);

    const second = await startChildServer(['--storage', 'clickhouse', '--clickhouse-path', path]);
    const after = await json(await fetch(`${second.api}/api/traces?limit=100`));
    expect(after.data.map((t: { trace_id: string }) => t.trace_id)).toEqual(before.data.map((t: { trace_id: string }) => t.trace_id));
    const calls = await json(await fetch(`${second.api}/api/metrics`));
    expect(calls.total.calls).toBeGreaterThan(0);
    second.proc.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  it('says where ClickHouse must be named, and refuses a cluster without a server', async () => {
    const nowhere = runSightline(['serve', ...ANY_FREE_PORTS, '--storage', 'clickhouse']);
    expect((await nowhere.exited).code).toBe(2);
    expect(nowhere.stderr()).toContain('--storage clickhouse needs --clickhouse-url http://host:8123');
    const cluster = runSightline([
      'serve',
      ...ANY_FREE_PORTS,
      '--storage',
      'clickhouse',
      '--clickhouse-path',
      dir,
      '--clickhouse-cluster',
      'c',
    ]);
    expect((await cluster.exited).code).toBe(2);
    expect(cluster.stderr()).toContain('--clickhouse-cluster needs --clickhouse-url');
    const ftp = runSightline(['serve', '--storage', 'clickhouse', '--clickhouse-url', 'ftp://db']);
    expect((await ftp.exited).code).toBe(2);
    expect(ftp.stderr()).toContain('expected an http(s) address');
  });

  it('fails in one line when no ClickHouse answers, without showing the password', async () => {
    const run = runSightline([
      'serve',
      ...ANY_FREE_PORTS,
      '--storage',
      'clickhouse',
      '--clickhouse-url',
      'http://sightline:hunter2-secret@127.0.0.1:9/sightline',
    ]);
    expect((await run.exited).code).toBe(1);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sightline: cannot open ClickHouse http:\/\/sightline:\*\*\*@127\.0\.0\.1:9\/sightline: /);
    expect(run.stderr()).not.toContain('hunter2');
  });
});

describe('sightline clickhouse-schema', () => {
  it('prints the schema for one server, or replicated and distributed over a cluster', async () => {
    const one = runSightline(['clickhouse-schema']);
    expect((await one.exited).code).toBe(0);
    for (const table of ['spans', 'traces', 'llm_calls', 'logs', 'metric_points', 'dataset_rows', 'api_keys', 'llm_hour_rollups'])
      expect(one.stdout()).toContain(`CREATE TABLE IF NOT EXISTS ${table} (`);
    // A migration's backfill says what it is, and is a no-op on a new database.
    const statements = one.stdout().split(';\n\n');
    const backfills = statements.filter((s) => s.includes('INSERT INTO'));
    expect(backfills.length).toBeGreaterThanOrEqual(2);
    for (const s of backfills)
      expect(s).toMatch(
        /^-- Fills in what data stored before this schema version needs; on a new database it inserts nothing\.\nINSERT INTO /,
      );
    const cluster = runSightline(['clickhouse-schema', '--cluster', 'prod']);
    expect((await cluster.exited).code).toBe(0);
    expect(cluster.stdout()).toContain("CREATE TABLE IF NOT EXISTS spans_local ON CLUSTER 'prod'");
    expect(cluster.stdout()).toContain("ENGINE = Distributed('prod', currentDatabase(), spans_local, cityHash64(project, trace_id))");
    const bad = runSightline(['clickhouse-schema', '--cluster', "prod' OR 1"]);
    expect((await bad.exited).code).toBe(2);
  });
});
