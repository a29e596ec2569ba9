import { randomBytes } from 'node:crypto';
import { MemoryStorage, type Storage } from '@sightline/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { postTraces } from './support/fixtures.js';
import { json, startTestServer, type TestServer } from './support/test-server.js';

const ADMIN_KEY = 'admin-key-of-the-deletion-suite';
const DAY_MS = 86_400_000;
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

/** An OTLP/JSON body of traces, each one LLM call of `user` in `session`, started `agoMs` ago. */
function calls(n: number, o: { user?: string; session?: string; agoMs?: number } = {}): { body: string; traceIds: string[] } {
  const start = BigInt(Date.now() - (o.agoMs ?? 0)) * 1_000_000n;
  const traceIds = Array.from({ length: n }, () => randomBytes(16).toString('hex'));
  const attrs = [
    { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
    { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
    { key: 'gen_ai.usage.input_tokens', value: { intValue: '10' } },
    ...(o.user ? [{ key: 'user.id', value: { stringValue: o.user } }] : []),
    ...(o.session ? [{ key: 'session.id', value: { stringValue: o.session } }] : []),
  ];
  const spans = traceIds.map((traceId) => ({
    traceId,
    spanId: randomBytes(8).toString('hex'),
    name: 'chat gpt-4o-mini',
    kind: 3,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + 1_000_000n),
    attributes: attrs,
  }));
  return { body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }), traceIds };
}

async function start(): Promise<TestServer> {
  const sl = await startTestServer({ auth: 'on', adminKey: ADMIN_KEY });
  servers.push(sl);
  return sl;
}

const as = (project: string) => ({ authorization: `Bearer ${ADMIN_KEY}`, 'x-sightline-project': project });

async function send(sl: TestServer, project: string, body: string): Promise<number> {
  const res = await postTraces(sl.otlpHttp, body, as(project));
  return res.status;
}

const traceCount = async (sl: TestServer, project: string, query = '') =>
  (await json(await fetch(`${sl.api}/api/traces?start=30d&limit=1000${query}`, { headers: as(project) }))).data.length as number;

describe('deleting data', () => {
  it('deletes everything of a user (a data-subject request), and writes it in the audit log', async () => {
    const sl = await start();
    const mine = calls(2, { user: 'u-1', session: 's-1' });
    expect(await send(sl, 'shop', mine.body)).toBe(200);
    expect(await send(sl, 'shop', calls(1, { user: 'u-2', session: 's-2' }).body)).toBe(200);
    expect(await send(sl, 'other', calls(1, { user: 'u-1' }).body)).toBe(200);
    // A trace whose first call is another user's, with a later call of u-1.
    const shared = randomBytes(16).toString('hex');
    const t0 = BigInt(Date.now()) * 1_000_000n;
    const call = (user: string, at: bigint) => ({
      traceId: shared,
      spanId: randomBytes(8).toString('hex'),
      name: 'chat',
      kind: 3,
      startTimeUnixNano: String(at),
      endTimeUnixNano: String(at + 1_000_000n),
      attributes: [
        { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
        { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
        { key: 'user.id', value: { stringValue: user } },
      ],
    });
    const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [call('u-3', t0), call('u-1', t0 + 5_000_000n)] }] }] });
    expect(await send(sl, 'shop', body)).toBe(200);

    const res = await fetch(`${sl.api}/api/users/u-1`, { method: 'DELETE', headers: as('shop') });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ deleted_traces: 3, deleted_spans: 4 });
    expect(await traceCount(sl, 'shop', '&user_id=u-1')).toBe(0);
    expect((await fetch(`${sl.api}/api/traces/${shared}`, { headers: as('shop') })).status).toBe(404);
    expect(await traceCount(sl, 'shop')).toBe(1);
    expect(await traceCount(sl, 'other', '&user_id=u-1')).toBe(1);
    const sessions = await json(await fetch(`${sl.api}/api/sessions?start=30d`, { headers: as('shop') }));
    expect(sessions.data.map((s: { session_id: string }) => s.session_id)).toEqual(['s-2']);
    const search = await json(await fetch(`${sl.api}/api/llm-calls?start=30d&user_id=u-1`, { headers: as('shop') }));
    expect(search.data).toEqual([]);
    expect((await fetch(`${sl.api}/api/users/u-1`, { method: 'DELETE', headers: as('shop') })).status).toBe(404);

    const audit = await json(await fetch(`${sl.api}/api/audit?project=shop`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }));
    expect(audit.data[0]).toMatchObject({
      actor: 'SIGHTLINE_ADMIN_KEY',
      action: 'user.delete',
      project: 'shop',
      target: 'u-1',
      detail: { traces: 3, spans: 4 },
    });
  });

  it('deletes a session’s traces, and one trace by id', async () => {
    const sl = await start();
    const conv = calls(3, { session: 'conv-9' });
    const lone = calls(1);
    expect(await send(sl, 'default', conv.body)).toBe(200);
    expect(await send(sl, 'default', lone.body)).toBe(200);
    const session = await fetch(`${sl.api}/api/sessions/conv-9`, { method: 'DELETE', headers: as('default') });
    expect(await json(session)).toEqual({ deleted_traces: 3, deleted_spans: 3 });
    expect((await fetch(`${sl.api}/api/sessions/conv-9`, { headers: as('default') })).status).toBe(404);
    const trace = await fetch(`${sl.api}/api/traces/${lone.traceIds[0]}`, { method: 'DELETE', headers: as('default') });
    expect(await json(trace)).toEqual({ deleted_traces: 1, deleted_spans: 1 });
    expect((await fetch(`${sl.api}/api/traces/${lone.traceIds[0]}`, { headers: as('default') })).status).toBe(404);
    expect((await fetch(`${sl.api}/api/traces/${lone.traceIds[0]}`, { method: 'DELETE', headers: as('default') })).status).toBe(404);
  });
});

describe('deleting a trace with Llama Stack spans still open', () => {
  it('forgets them, so their span_end does not bring the trace back', async () => {
    const sl = await start();
    const traceId = randomBytes(16).toString('hex');
    const [root, child] = [randomBytes(8).toString('hex'), randomBytes(8).toString('hex')];
    const at = (s: number) => new Date(Date.now() - 60_000 + s * 1000).toISOString();
    const log = (event: Record<string, unknown>) =>
      fetch(`${sl.api}/v1/telemetry/log-event`, {
        method: 'POST',
        headers: { ...as('default'), 'content-type': 'application/json' },
        body: JSON.stringify({ event: { type: 'structured_log', trace_id: traceId, ...event }, ttl_seconds: 3600 }),
      });
    await log({ span_id: root, timestamp: at(0), payload: { type: 'span_start', name: 'agent' } });
    await log({ span_id: child, timestamp: at(1), payload: { type: 'span_start', name: 'step', parent_span_id: root } });
    await log({ span_id: child, timestamp: at(2), payload: { type: 'span_end', status: 'ok' } });
    expect((await fetch(`${sl.api}/api/traces/${traceId}`, { headers: as('default') })).status).toBe(200);
    expect((await fetch(`${sl.api}/api/traces/${traceId}`, { method: 'DELETE', headers: as('default') })).status).toBe(200);
    expect((await log({ span_id: root, timestamp: at(3), payload: { type: 'span_end', status: 'ok' } })).status).toBe(200);
    expect((await fetch(`${sl.api}/api/traces/${traceId}`, { headers: as('default') })).status).toBe(404);
  });
});

describe('retention per project', () => {
  it('deletes what is older than its project’s retention, in steps, while ingest goes on', async () => {
    const sl = await start();
    await fetch(`${sl.api}/api/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'short', retention_days: 1 }),
    });
    // 1,200 traces of three days ago: more than two steps' worth.
    for (let i = 0; i < 6; i++) expect(await send(sl, 'short', calls(200, { agoMs: 3 * DAY_MS }).body)).toBe(200);
    const recent = calls(5, { agoMs: 3_600_000 });
    expect(await send(sl, 'short', recent.body)).toBe(200);
    expect(await send(sl, 'default', calls(3, { agoMs: 3 * DAY_MS }).body)).toBe(200);

    let sending = true;
    const sent: string[] = [];
    const ingest = (async () => {
      while (sending) {
        const batch = calls(20);
        if ((await send(sl, 'short', batch.body)) === 200) sent.push(...batch.traceIds);
      }
    })();
    const done = await sl.server.retention.run();
    sending = false;
    await ingest;

    expect(done).toEqual({ traces: 1200, spans: 1200, logs: 0, metricPoints: 0 });
    expect(sent.length).toBeGreaterThan(0);
    const total = await json(await fetch(`${sl.api}/api/metrics?start=30d`, { headers: as('short') }));
    expect(total.total.calls).toBe(5 + sent.length);
    // A project without a retention keeps everything.
    expect(await traceCount(sl, 'default')).toBe(3);
  });
});

describe('a store that cannot delete or reprice', () => {
  it('answers 501 saying so, and its server runs without expiry or retention', async () => {
    const memory = new MemoryStorage();
    const storage: Storage = {
      kind: 'append-only',
      writer: memory.writer,
      reader: memory.reader,
      calls: memory.calls,
      access: memory.access,
      close: () => memory.close(),
    };
    const sl = await startTestServer({ auth: 'on', adminKey: ADMIN_KEY, storage, retentionDays: 1 });
    servers.push(sl);
    const traceId = randomBytes(16).toString('hex');
    const del = await fetch(`${sl.api}/api/traces/${traceId}`, { method: 'DELETE', headers: as('default') });
    expect(del.status).toBe(501);
    expect((await json(del)).error.message).toBe('this store (append-only) cannot delete data');
    const reprice = await fetch(`${sl.api}/api/admin/recompute-costs`, { method: 'POST', headers: as('default') });
    expect(reprice.status).toBe(501);
    expect(await sl.server.retention.run()).toEqual({ traces: 0, spans: 0, logs: 0, metricPoints: 0 });
  });
});
