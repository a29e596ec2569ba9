import { parentPort, workerData } from 'node:worker_threads';
import { openConnection } from './open-database.js';
import { BatchWriter } from './write-batch.js';
import type { WriterInit, WriterReply, WriterRequest } from './writer-protocol.js';

/** The writer thread: one connection, one {@link BatchWriter}, requests applied in order. */
const port = parentPort;
if (!port) throw new Error('writer-worker must run as a worker thread');
const db = openConnection(workerData as WriterInit);
const writer = new BatchWriter(db);

port.on('message', (req: WriterRequest) => {
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
});
port.postMessage({ id: 0, ok: true, result: null } satisfies WriterReply);
