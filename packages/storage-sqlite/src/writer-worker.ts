import { parentPort, workerData } from 'node:worker_threads';
import { openConnection } from './open-database.js';
import { SearchMerger } from './search-merge.js';
import { BatchWriter } from './write-batch.js';
import type { WriterInit, WriterReply, WriterRequest } from './writer-protocol.js';

/**
 * After this long without a request the writer counts as idle and merges the search index,
 * a step at a time, until there is nothing to merge or a request comes.
 */
const IDLE_MS = 200;

/** The writer thread: one connection, one {@link BatchWriter}, requests applied in order. */
const port = parentPort;
if (!port) throw new Error('writer-worker must run as a worker thread');
const db = openConnection(workerData as WriterInit);
const writer = new BatchWriter(db);
const merger = new SearchMerger(db);
let idle: NodeJS.Timeout | undefined;

/** A step of merging; the next is a timer away, so a request that came meanwhile goes first. */
function mergeStep(): void {
  let more = false;
  try {
    more = merger.step();
  } catch {
    // A full disk, say: merging is only housekeeping, tried again when next idle.
  }
  idle = more ? setTimeout(mergeStep, 0).unref() : undefined;
}

port.on('message', (req: WriterRequest) => {
  clearTimeout(idle);
  let reply: WriterReply;
  try {
    if (req.op === 'write') reply = { id: req.id, ok: true, result: writer.write(req.batch) };
    else if (req.op === 'deleteExpired') reply = { id: req.id, ok: true, result: writer.deleteExpired(req.now) };
    else if (req.op === 'setCosts') reply = { id: req.id, ok: true, result: writer.setCosts(req.changes) };
    else if (req.op === 'delete') reply = { id: req.id, ok: true, result: writer.delete(req.deletion) };
    else {
      db.close();
      port.postMessage({ id: req.id, ok: true, result: null } satisfies WriterReply);
      port.close();
      return;
    }
  } catch (err) {
    const e = err as Error & { code?: string };
    reply = { id: req.id, ok: false, message: e.message, code: e.code };
  }
  port.postMessage(reply);
  idle = setTimeout(mergeStep, IDLE_MS).unref();
});
port.postMessage({ id: 0, ok: true, result: null } satisfies WriterReply);
