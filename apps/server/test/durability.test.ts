import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStorage } from '@sightline/storage-sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildServer } from './support/child-server.js';
import { sendUntil } from './support/load.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-durability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPANS = 500;

async function assertAllStored(dbPath: string, acked: string[]) {
  const store = new SqliteStorage({ path: dbPath });
  try {
    const missing: string[] = [];
    for (const traceId of acked) {
      const trace = await store.getTrace({ project: 'default', traceId });
      if (trace?.spans.length !== SPANS) missing.push(`${traceId} (${trace?.spans.length ?? 0} spans)`);
    }
    expect(missing).toEqual([]);
    // And searchable: the index is written in the same transaction as the spans.
    const found = await store.findTraces({ project: 'default', text: `chat ${SPANS - 1}`, limit: 1000 });
    const searchable = new Set(found.items.map((t) => t.traceId));
    expect(acked.filter((traceId) => !searchable.has(traceId))).toEqual([]);
  } finally {
    await store.close();
  }
}

describe('durability of acknowledged data', () => {
  it('loses nothing acknowledged when the process is killed with SIGKILL under load', async () => {
    const db = join(dir, 'kill', 'sightline.db');
    const child = await startChildServer(['--db', db]);
    let killedAt = -1;
    const result = await sendUntil(`${child.otlpHttp}/v1/traces`, SPANS, 8, (acked) => {
      if (acked >= 60 && killedAt < 0) {
        killedAt = acked;
        child.proc.kill('SIGKILL');
      }
      return killedAt >= 0 && child.proc.exitCode !== null;
    });
    const exit = await child.exited;
    expect(exit.signal).toBe('SIGKILL');
    // Requests were still in flight when the process died.
    expect(result.failed).toBeGreaterThan(0);
    expect(result.acked.length).toBeGreaterThanOrEqual(60);
    await assertAllStored(db, result.acked);
  });

  it('on SIGTERM stops accepting, finishes in-flight requests, commits them and exits 0', async () => {
    const db = join(dir, 'term', 'sightline.db');
    const child = await startChildServer(['--db', db]);
    // A Llama Stack span left open: it must be stored, marked unfinished, at shutdown.
    await fetch(`${child.api}/v1/telemetry/log-event`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        event: {
          type: 'structured_log',
          trace_id: 'ab'.repeat(16),
          span_id: 'cd'.repeat(8),
          timestamp: new Date().toISOString(),
          payload: { type: 'span_start', name: 'open' },
        },
      }),
    });
    let signalled = false;
    const result = await sendUntil(`${child.otlpHttp}/v1/traces`, SPANS, 8, (acked) => {
      if (acked >= 30 && !signalled) {
        signalled = true;
        child.proc.kill('SIGTERM');
      }
      return signalled && child.proc.exitCode !== null;
    });
    const exit = await child.exited;
    expect(exit.code).toBe(0);
    expect(child.stderr()).toContain('SIGTERM: finishing in-flight requests');
    expect(child.stderr()).toContain('stopped');
    await assertAllStored(db, result.acked);
    const store = new SqliteStorage({ path: db });
    const open = await store.getTrace({ project: 'default', traceId: 'ab'.repeat(16) });
    expect(open?.spans[0]?.attributes['sightline.span.unfinished']).toBe(true);
    await store.close();
  });
});
