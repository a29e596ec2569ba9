import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANY_FREE_PORTS, runSightline, startChildServer } from './support/child-server.js';
import { json } from './support/test-server.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('one server per database', () => {
  it('refuses a second server on the same database in one line naming the first one’s PID; a SIGKILL does not leave it locked', async () => {
    const db = join(dir, 'shared', 'sightline.db');
    const first = await startChildServer(['--db', db]);
    const second = runSightline(['serve', ...ANY_FREE_PORTS, '--db', db]);
    expect((await second.exited).code).toBe(1);
    expect(second.stderr()).toBe(
      `sightline: the database ${db} is in use by another Sightline (PID ${first.proc.pid}); stop it or choose another with --db\n`,
    );

    // Read-only tools still open it.
    const check = runSightline(['check', '--db', db]);
    expect((await check.exited).code).toBe(0);
    expect(check.stdout()).toMatch(new RegExp(`^ok: ${db} \\(\\d+\\.\\d MiB, schema version \\d+\\) passed the integrity check\\n$`));

    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const next = await startChildServer(['--db', db]);
    expect((await json(await fetch(`${next.api}/healthz`))).status).toBe('ok');
    next.proc.kill('SIGTERM');
    expect((await next.exited).code).toBe(0);
  });

  it('lets servers on different databases run side by side', async () => {
    const a = await startChildServer(['--db', join(dir, 'a', 'sightline.db')]);
    const b = await startChildServer(['--db', join(dir, 'b', 'sightline.db')]);
    for (const child of [a, b]) {
      child.proc.kill('SIGTERM');
      expect((await child.exited).code).toBe(0);
    }
  });
});
