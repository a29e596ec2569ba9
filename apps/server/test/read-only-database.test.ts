import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ChildServer, startChildServer } from './support/child-server.js';
import { postTraces, referenceTracesBody } from './support/fixtures.js';
import { getJson } from './support/test-server.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-readonly-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Root writes whatever the mode bits say: the read-only run drops to `nobody` (the folder stays writable for its lock file). */
const UNPRIVILEGED = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];

const post = (sl: ChildServer, seed: number) => postTraces(sl.otlpHttp, referenceTracesBody(3, seed));

async function stop(sl: ChildServer): Promise<void> {
  sl.proc.kill('SIGTERM');
  await sl.exited;
}

describe('a database file the server cannot write', () => {
  it('refuses exports with 500 and the reason (not "retry later"), says degraded in /healthz, and still answers reads', async () => {
    chmodSync(dir, 0o777);
    const db = join(dir, 'sightline.db');
    const first = await startChildServer(['--db', db]);
    expect((await post(first, 1)).status).toBe(200);
    await stop(first);
    chmodSync(db, 0o444);

    const sl = await startChildServer(['--db', db], {}, UNPRIVILEGED);
    try {
      const res = await post(sl, 2);
      expect(res.status).toBe(500);
      expect(res.headers.get('retry-after')).toBeNull();
      // A google.rpc.Status in the request's encoding, its message readable in the bytes.
      expect(Buffer.from(await res.arrayBuffer()).toString('utf8')).toMatch(/the store refuses writes: .*readonly/);

      const health = (await getJson(sl.api, '/healthz')).body;
      expect(health.status).toBe('degraded');
      expect(health.storage_problem).toMatch(/refuses writes .*make the database file and its folder writable/);
      expect((await getJson(sl.api, '/api/traces')).body.data).toHaveLength(1);
    } finally {
      await stop(sl);
    }
  });
});
