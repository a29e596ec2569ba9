import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStorage } from '@sightline/storage-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/log.js';
import { startServer } from '../src/server.js';
import { getJson, postJson, startTestServer, type TestServer } from './support/test-server.js';

const TRACE = '5bf92f3577b34da6a3ce929d0e0e4736';
const spanId = (i: number) => (i + 1).toString(16).padStart(16, '0');
const start = (i: number, attributes: Record<string, string> = {}) => ({
  type: 'structured_log',
  trace_id: TRACE,
  span_id: spanId(i),
  timestamp: '2026-01-01T00:00:00Z',
  attributes,
  payload: { type: 'span_start', name: `step ${i}` },
});

let sl: TestServer;
beforeAll(async () => {
  sl = await startTestServer({ openSpans: { maxSpans: 5, maxBytes: 64 * 1024 } });
});
afterAll(() => sl.stop());

const log = (event: Record<string, unknown>) => postJson(sl.api, '/v1/telemetry/log-event', { event });
const stored = async () => {
  const res = await getJson(sl.api, `/api/traces/${TRACE}`);
  return res.status === 404 ? [] : (res.body.spans as { span_id: string; attributes: Record<string, unknown> }[]);
};

describe('Llama Stack spans held open', () => {
  it('are capped in number: beyond the cap the oldest are stored, marked unfinished, and nothing is lost', async () => {
    for (let i = 0; i < 8; i++) expect((await log(start(i))).status).toBe(200);
    const spans = await stored();
    expect(spans.map((s) => s.span_id).sort()).toEqual([spanId(0), spanId(1), spanId(2)]);
    for (const s of spans) expect(s.attributes['sightline.span.unfinished']).toBe(true);
    // A log for a span stored early still lands, under it.
    await log({ type: 'unstructured_log', trace_id: TRACE, span_id: spanId(0), timestamp: '2026-01-01T00:00:01Z', message: 'late' });
    expect((await stored()).length).toBe(4);
  });

  it('are capped in bytes: a span grown past the byte cap by its events is stored to make room', async () => {
    const big = 'x'.repeat(20 * 1024);
    expect((await log(start(100, { note: big }))).status).toBe(200);
    for (let k = 0; k < 3; k++)
      await log({ type: 'unstructured_log', trace_id: TRACE, span_id: spanId(100), timestamp: '2026-01-01T00:00:02Z', message: big });
    const ids = (await stored()).map((s) => s.span_id);
    expect(ids).toContain(spanId(100));
  });
});

describe('at shutdown', () => {
  it('thousands of open spans are stored, unfinished, in a few requests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-open-'));
    const path = join(dir, 'sightline.db');
    const server = await startServer({ storage: new SqliteStorage({ path }), port: 0, grpcPort: 0, otlpHttpPort: 0, logger: silentLogger });
    const api = `http://127.0.0.1:${server.ports.api}`;
    for (let i = 0; i < 3000; i += 100)
      await Promise.all(Array.from({ length: 100 }, (_, k) => postJson(api, '/v1/telemetry/log-event', { event: start(i + k) })));
    await server.close();
    expect(server.queue.stats.batches).toBeLessThanOrEqual(10);
    const store = new SqliteStorage({ path });
    const trace = await store.getTrace({ project: 'default', traceId: TRACE });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    expect(trace?.spans).toHaveLength(3000);
    expect(trace?.spans.every((s) => s.attributes['sightline.span.unfinished'] === true)).toBe(true);
  });
});
