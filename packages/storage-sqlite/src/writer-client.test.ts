import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { StorageUnavailableError } from '@sightline/storage';
import { buildTrace } from '@sightline/storage/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeBatch } from './encode-batch.js';
import type { ConnectionOptions } from './open-database.js';
import { SqliteStorage } from './sqlite-storage.js';
import { createWorker, ThreadWriter, WriterError } from './writer-client.js';
import type { WriterRequest } from './writer-protocol.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A migrated, empty database. */
async function freshDatabase(): Promise<string> {
  const path = join(dir, `db-${++n}`, 'sightline.db');
  await new SqliteStorage({ path }).close();
  return path;
}

/**
 * Real writer threads, stopped abruptly — as running out of memory stops one — right after
 * being sent a write that `kill` picks.
 */
function killingSpawn(kill: (req: WriterRequest, thread: number) => boolean) {
  let threads = 0;
  return (options: ConnectionOptions): Worker => {
    const worker = createWorker(options);
    const thread = ++threads;
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (message: WriterRequest) => {
      post(message);
      if (kill(message, thread)) void worker.terminate();
    };
    return worker;
  };
}

const groupOf = (project: string, spans = buildTrace(3)) => ({ project, spans });

async function traceCount(path: string, project: string, traceId: string): Promise<number> {
  const store = new SqliteStorage({ path });
  const detail = await store.getTrace({ project, traceId });
  await store.close();
  return detail?.spans.length ?? 0;
}

describe('the writer thread', () => {
  it('is replaced when it stops mid-write, and the write it held is committed by the next one', async () => {
    const path = await freshDatabase();
    const restarts: string[] = [];
    const writer = new ThreadWriter(
      { path },
      (reason) => restarts.push(reason),
      killingSpawn((req, thread) => req.op === 'write' && thread === 1),
    );
    const spans = buildTrace(5);
    const result = await writer.write(encodeBatch([groupOf('default', spans)]));
    // The first thread may have committed before it stopped: sent again, the spans are then duplicates.
    expect(result.stored + result.duplicates).toBe(5);
    expect(writer.restarts).toBe(1);
    expect(restarts).toHaveLength(1);
    await writer.close();
    expect(await traceCount(path, 'default', spans[0]?.traceId as string)).toBe(5);
  });

  it('refuses a write that stops every thread it is sent to, and goes on with the next', async () => {
    const path = await freshDatabase();
    const writer = new ThreadWriter(
      { path },
      () => undefined,
      killingSpawn((req) => req.op === 'write' && req.batch.groups.some((g) => g.project === 'poison')),
    );
    const poisoned = writer.write(encodeBatch([groupOf('poison')]));
    const error = await poisoned.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WriterError);
    expect(error).not.toBeInstanceOf(StorageUnavailableError);
    expect((error as Error).message).toMatch(/stopped 2 times on this data/);
    const spans = buildTrace(2);
    expect((await writer.write(encodeBatch([groupOf('default', spans)]))).stored).toBe(2);
    await writer.close();
    expect(await traceCount(path, 'default', spans[0]?.traceId as string)).toBe(2);
  });

  it('reports a database that cannot be opened as unavailable (retry later), not as bad data', async () => {
    const writer = new ThreadWriter({ path: join(dir, 'missing-dir', 'no', '\0bad') });
    const error = await writer.write(encodeBatch([groupOf('default')])).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    await writer.close();
  });
});

describe('a write sent to the writer thread', () => {
  it('carries the bytes encoded, not the spare room of the buffers they were built in', () => {
    const [group] = encodeBatch([groupOf('default', buildTrace(5))]).groups;
    const attributes = group?.attributes as Uint8Array;
    const search = group?.search?.text as Uint8Array;
    expect(attributes.byteLength).toBeGreaterThan(0);
    expect(search.byteLength).toBeGreaterThan(0);
    // A message to a thread is a structured clone, which copies a view's whole buffer.
    for (const bytes of [attributes, search]) expect(structuredClone(bytes).buffer.byteLength).toBe(bytes.byteLength);
  });
});
