import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata, status } from '@grpc/grpc-js';
import { encodeTracesProto, type Span } from '@sightline/core';
import { SqliteStorage } from '@sightline/storage-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACE_SERVICE } from '../src/otlp/otlp-grpc.js';
import { postTraces } from './support/fixtures.js';
import { RawGrpcExporter } from './support/fuzz-send.js';
import { json, startTestServer, type TestServer } from './support/test-server.js';

const ADMIN_KEY = 'admin-key-of-the-limits-suite';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sightline-limits-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function admin(sl: TestServer, method: string, path: string, body: unknown): Promise<any> {
  const res = await fetch(sl.api + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return json(res);
}

/** An OTLP/JSON body of `n` spans of one new trace. */
function spans(n: number): string {
  const traceId = randomBytes(16).toString('hex');
  const now = String(BigInt(Date.now()) * 1_000_000n);
  return JSON.stringify({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: Array.from({ length: n }, (_, i) => ({
              traceId,
              spanId: randomBytes(8).toString('hex'),
              name: `step ${i}`,
              startTimeUnixNano: now,
              endTimeUnixNano: now,
            })),
          },
        ],
      },
    ],
  });
}

const send = (sl: TestServer, key: string, n: number) => postTraces(sl.otlpHttp, spans(n), { authorization: `Bearer ${key}` });

describe('limits per project', () => {
  it('refuses a project over its spans a second (429 + Retry-After) while another goes on', async () => {
    const sl = await startTestServer({ auth: 'on', adminKey: ADMIN_KEY });
    try {
      await admin(sl, 'POST', '/api/projects', { name: 'slow', spans_per_second: 50 });
      const slow = (await admin(sl, 'POST', '/api/keys', { project: 'slow' })).key;
      const fast = (await admin(sl, 'POST', '/api/keys', { project: 'fast' })).key;
      // Two seconds' worth pass at once, and one request may overdraw them: the next ones wait it out.
      expect((await send(sl, slow, 150)).status).toBe(200);
      const refused = await send(sl, slow, 20);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await json(refused)).error.message).toBe('project "slow" may send 50 spans a second; retry after 1 s');
      for (let i = 0; i < 5; i++) expect((await send(sl, fast, 500)).status).toBe(200);

      // It comes back as the bucket fills again.
      await new Promise((r) => setTimeout(r, 1200));
      expect((await send(sl, slow, 20)).status).toBe(200);
    } finally {
      await sl.stop();
    }
  });

  it('holds a daily quota across a restart, and shows use against limits in GET /api/usage', async () => {
    const path = join(dir, 'quota.db');
    const first = await startTestServer({ auth: 'on', adminKey: ADMIN_KEY, storage: new SqliteStorage({ path }) });
    await admin(first, 'POST', '/api/projects', { name: 'capped', spans_per_day: 10 });
    const key = (await admin(first, 'POST', '/api/keys', { project: 'capped' })).key;
    expect((await send(first, key, 6)).status).toBe(200);
    const over = await send(first, key, 6);
    expect(over.status).toBe(429);
    expect((await json(over)).error.message).toMatch(/^project "capped" has used 6 of its 10 spans a day; it may send again in \d+ s$/);
    const usage = await json(await fetch(`${first.api}/api/usage`, { headers: { authorization: `Bearer ${key}` } }));
    expect(usage).toMatchObject({
      project: 'capped',
      limits: { spans_per_second: null, spans_per_day: 10, spans_per_month: null },
      spans_today: 6,
      spans_this_month: 6,
      days: [{ day: new Date().toISOString().slice(0, 10), spans: 6 }],
    });
    await first.stop();

    const second = await startTestServer({ auth: 'on', adminKey: ADMIN_KEY, storage: new SqliteStorage({ path }) });
    try {
      expect((await send(second, key, 6)).status).toBe(429);
      expect((await send(second, key, 4)).status).toBe(200);
    } finally {
      await second.stop();
    }
  });

  it('answers a gRPC export over the limit RESOURCE_EXHAUSTED', async () => {
    const sl = await startTestServer({ auth: 'on', adminKey: ADMIN_KEY });
    try {
      await admin(sl, 'POST', '/api/projects', { name: 'tiny', spans_per_day: 1 });
      const key = (await admin(sl, 'POST', '/api/keys', { project: 'tiny' })).key;
      expect((await send(sl, key, 1)).status).toBe(200);
      const raw = new RawGrpcExporter(TRACE_SERVICE, sl.grpc, false);
      try {
        const metadata = new Metadata();
        metadata.set('authorization', `Bearer ${key}`);
        const traceId = randomBytes(16).toString('hex');
        const span = {
          traceId,
          spanId: randomBytes(8).toString('hex'),
          parentSpanId: null,
          traceState: '',
          flags: 0,
          name: 'one more',
          kind: 1,
          startTimeUnixNano: 1n,
          endTimeUnixNano: 2n,
          attributes: {},
          droppedAttributesCount: 0,
          events: [],
          droppedEventsCount: 0,
          links: [],
          droppedLinksCount: 0,
          status: { code: 0, message: '' },
          resource: { attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
          scope: { name: 's', version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
        } as unknown as Span;
        expect(await raw.export(encodeTracesProto([span]), 5000, metadata)).toMatchObject({
          kind: 'grpc',
          code: status.RESOURCE_EXHAUSTED,
          details: expect.stringContaining('spans a day'),
        });
      } finally {
        raw.close();
      }
    } finally {
      await sl.stop();
    }
  });
});
