import { parentPort, workerData } from 'node:worker_threads';
import { type OutlineColumns, treeLayout } from '@sightline/storage';
import Database from 'better-sqlite3';
import { blobToHex } from './ids.js';
import type { LayoutReply, LayoutRequest } from './layout-thread.js';
import { OutlineReader } from './outline-rows.js';

/**
 * Lays out big traces off the main thread (see layout-thread.ts): reading every span's id
 * and parent of a 200,000-span trace and ordering them takes SQLite and V8 most of a second,
 * which the thread that answers requests must not spend in one go. Read-only connection.
 */
const port = parentPort;
if (!port) throw new Error('layout-worker must run as a worker thread');
const db = new Database((workerData as { path: string }).path, { readonly: true });
db.pragma('busy_timeout = 10000');
const keysOf = db.prepare('SELECT rowid FROM spans WHERE trace_key = ? ORDER BY start_ns, rowid').pluck();
const placesOf = db.prepare('SELECT rowid, span_id, parent_span_id FROM spans WHERE trace_key = ? ORDER BY start_ns, rowid').raw();

const outlines = new OutlineReader(db);

function layOut(req: LayoutRequest): LayoutReply {
  if (req.op === 'outline') return { id: req.id, ok: true, outline: outlines.read(req.traceKey) };
  if (req.op === 'trace') return { id: req.id, ok: true, keys: Float64Array.from(keysOf.all(req.traceKey) as number[]), depths: null };
  const rows = placesOf.all(req.traceKey) as [number, Buffer, Buffer | null][];
  const places = rows.map(([key, span, parent]) => ({
    key,
    spanId: blobToHex(span),
    parentSpanId: parent === null ? null : blobToHex(parent),
  }));
  const layout = treeLayout(places, req.rootId, req.maxDepth);
  return layout
    ? { id: req.id, ok: true, keys: Float64Array.from(layout.keys), depths: Int32Array.from(layout.depths) }
    : { id: req.id, ok: true, keys: null, depths: null };
}

port.on('message', (req: LayoutRequest) => {
  let reply: LayoutReply;
  try {
    reply = layOut(req);
  } catch (err) {
    reply = { id: req.id, ok: false, message: (err as Error).message, code: (err as { code?: string }).code };
  }
  const transfer = !reply.ok ? [] : 'outline' in reply ? outlineBuffers(reply.outline) : [reply.keys?.buffer, reply.depths?.buffer];
  port.postMessage(
    reply,
    transfer.filter((b): b is ArrayBuffer => b instanceof ArrayBuffer),
  );
});

/** The typed arrays of an outline, moved to the main thread rather than copied. */
function outlineBuffers(o: OutlineColumns): unknown[] {
  const c = o.calls;
  return [
    o.parents,
    o.names,
    o.services,
    o.kinds,
    o.statuses,
    o.starts,
    o.ends,
    o.callOf,
    c.models,
    c.providers,
    c.inputTokens,
    c.outputTokens,
    c.cacheReadTokens,
    c.costUsd,
    c.ttftMs,
    c.counted,
    c.isError,
  ].map((a) => a.buffer);
}
