import { StatusCode } from '@sightline/core';
import { buildSpan, buildTrace, T0 } from '@sightline/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, json, startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer;
const MS = 1_000_000n;
const traces = {
  chat: buildTrace(4, { service: 'chat-api', name: 'POST /chat', startMs: 0, fanout: 1 }),
  batch: buildTrace(8, { service: 'batch', name: 'nightly', startMs: 60_000, resourceAttributes: { 'deployment.environment': 'prod' } }),
  hostile: buildTrace(2, { service: 'evil', name: '<img src=x onerror=alert(1)>', startMs: 120_000 }),
};
traces.chat[1] = {
  ...traces.chat[1]!,
  name: 'chat gpt-4o',
  attributes: Object.assign(Object.create(null), {
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.usage.input_tokens': 1200n,
    huge: 9007199254740993n,
  }),
};
traces.batch[2] = { ...traces.batch[2]!, status: { code: StatusCode.ERROR, message: 'timeout' } };

beforeAll(async () => {
  sl = await startTestServer();
  await sl.server.storage.writer.write([{ project: 'default', spans: Object.values(traces).flat() }]);
  // 60 more single-span traces, for paging.
  const many = Array.from({ length: 60 }, (_, i) => buildSpan({ service: 'filler', name: `filler-${i}`, startMs: 200_000 + i }));
  await sl.server.storage.writer.write([{ project: 'default', spans: many }]);
});
afterAll(() => sl.stop());

const ids = (body: { data: { trace_id: string }[] }) => body.data.map((t) => t.trace_id);
const idOf = (name: keyof typeof traces) => traces[name][0]!.traceId;

describe('GET /api/traces', () => {
  it('returns the first 50 newest traces and a cursor by default', async () => {
    const { status, body } = await getJson(sl.api, '/api/traces');
    expect(status).toBe(200);
    expect(body.data).toHaveLength(50);
    expect(body.data[0].root_span_name).toBe('filler-59');
    expect(typeof body.next_cursor).toBe('string');
  });

  it('walks all traces with the cursor', async () => {
    const seen: string[] = [];
    let cursor = '';
    for (;;) {
      const { body } = await getJson(sl.api, `/api/traces?limit=17${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...ids(body));
      if (!body.next_cursor) break;
      cursor = body.next_cursor;
    }
    expect(seen).toHaveLength(63);
    expect(new Set(seen).size).toBe(63);
  });

  it('filters by service, span name, status and duration', async () => {
    expect(ids((await getJson(sl.api, '/api/traces?service=chat-api')).body)).toEqual([idOf('chat')]);
    expect(ids((await getJson(sl.api, '/api/traces?name=chat%20gpt-4o')).body)).toEqual([idOf('chat')]);
    expect(ids((await getJson(sl.api, '/api/traces?status=error')).body)).toEqual([idOf('batch')]);
    expect(ids((await getJson(sl.api, '/api/traces?min_duration_ms=15&service=batch')).body)).toEqual([idOf('batch')]);
    expect(ids((await getJson(sl.api, '/api/traces?max_duration_ms=12.5&service=evil')).body)).toEqual([idOf('hostile')]);
  });

  it('filters by time range, ISO-8601 or relative', async () => {
    const from = new Date(Number((T0 + 30_000n * MS) / MS)).toISOString();
    const to = new Date(Number((T0 + 150_000n * MS) / MS)).toISOString();
    expect(ids((await getJson(sl.api, `/api/traces?start=${from}&end=${to}`)).body)).toEqual([idOf('hostile'), idOf('batch')]);
    // The seeded data is from 2024: nothing started in the last hour.
    expect((await getJson(sl.api, '/api/traces?start=1h')).body.data).toEqual([]);
  });

  it('filters by span and resource attributes with operators', async () => {
    expect(ids((await getJson(sl.api, '/api/traces?attr.gen_ai.request.model=gpt-4o')).body)).toEqual([idOf('chat')]);
    expect(ids((await getJson(sl.api, '/api/traces?attr.gen_ai.usage.input_tokens=gt:1000')).body)).toEqual([idOf('chat')]);
    expect(ids((await getJson(sl.api, '/api/traces?attr.gen_ai.usage.input_tokens=lt:1000')).body)).toEqual([]);
    expect(ids((await getJson(sl.api, '/api/traces?attr.gen_ai.request.model=contains:GPT')).body)).toEqual([idOf('chat')]);
    expect(ids((await getJson(sl.api, '/api/traces?attr.huge=exists')).body)).toEqual([idOf('chat')]);
    expect(ids((await getJson(sl.api, '/api/traces?resource.deployment.environment=eq:prod')).body)).toEqual([idOf('batch')]);
  });

  it('orders by other fields', async () => {
    const { body } = await getJson(sl.api, '/api/traces?order_by=span_count:desc&limit=2');
    expect(ids(body)).toEqual([idOf('batch'), idOf('chat')]);
    const asc = await getJson(sl.api, '/api/traces?order_by=start_time:asc&limit=1');
    expect(ids(asc.body)).toEqual([idOf('chat')]);
    const dash = await getJson(sl.api, '/api/traces?order_by=-span_count&limit=1');
    expect(ids(dash.body)).toEqual([idOf('batch')]);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=ten', 'limit'],
    ['status=broken', 'status'],
    ['min_duration_ms=-1', 'min_duration_ms'],
    ['start=yesterday', 'start'],
    ['order_by=price', 'order_by'],
    ['cursor=not-a-cursor', 'cursor'],
    ['attr.=x', 'attr.'],
    ['attr.model=gt:', 'attr.model'],
    ['colour=blue', 'colour'],
    ['limit=1&limit=2', 'limit'],
  ])('answers %s with 400 naming "%s"', async (query, name) => {
    const { status, body } = await getJson(sl.api, `/api/traces?${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_argument');
    expect(body.error.message).toContain(`"${name}`);
  });
});

describe('GET /api/traces/{trace_id}', () => {
  it('returns the summary and every span', async () => {
    const { status, body } = await getJson(sl.api, `/api/traces/${idOf('chat')}`);
    expect(status).toBe(200);
    expect(body.trace).toMatchObject({
      trace_id: idOf('chat'),
      service_name: 'chat-api',
      span_count: 4,
      error_count: 0,
      root_span_name: 'POST /chat',
    });
    expect(body.spans).toHaveLength(4);
    expect(body.spans[1].attributes).toEqual({
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 1200,
      huge: '9007199254740993',
    });
    expect(body.spans[0].parent_span_id).toBeNull();
    expect(body.spans[0].start_time).toBe('2024-05-01T12:00:00.000000000Z');
  });

  it('accepts upper-case ids', async () => {
    expect((await getJson(sl.api, `/api/traces/${idOf('chat').toUpperCase()}`)).status).toBe(200);
  });

  it('answers 404 for an unknown trace and 400 for a malformed id', async () => {
    const missing = await getJson(sl.api, `/api/traces/${'ab'.repeat(16)}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'not_found', message: `trace ${'ab'.repeat(16)} not found` } });
    const bad = await getJson(sl.api, '/api/traces/xyz');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('"trace_id"');
  });

  it('returns hostile text as JSON data, never as markup', async () => {
    const res = await fetch(`${sl.api}/api/traces/${idOf('hostile')}`);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const body = await json(res);
    expect(body.trace.root_span_name).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('GET /api/spans/{span_id}/tree', () => {
  const root = () => traces.batch[0]?.spanId;

  it('nests the descendants, each with its status', async () => {
    const { status, body } = await getJson(sl.api, `/api/spans/${root()}/tree`);
    expect(status).toBe(200);
    expect(body.span_id).toBe(root());
    expect(body.children.map((c: { span_id: string }) => c.span_id)).toEqual(traces.batch.slice(1, 4).map((s) => s.spanId));
    const errored = body.children[1];
    expect(errored.status).toEqual({ code: 'error', message: 'timeout' });
    expect(errored.children.length).toBeGreaterThan(0);
  });

  it('stops at max_depth and returns only the attributes asked for', async () => {
    const shallow = await getJson(sl.api, `/api/spans/${root()}/tree?max_depth=1`);
    expect(shallow.body.children.every((c: { children: unknown[] }) => c.children.length === 0)).toBe(true);
    const chatRoot = traces.chat[0]?.spanId;
    const picked = await getJson(sl.api, `/api/spans/${chatRoot}/tree?attributes=gen_ai.request.model`);
    expect(picked.body.children[0].attributes).toEqual({ 'gen_ai.request.model': 'gpt-4o' });
    expect(picked.body.attributes).toEqual({});
  });

  it('answers 404 and 400 as it should', async () => {
    expect((await getJson(sl.api, '/api/spans/00000000000000aa/tree')).status).toBe(404);
    expect((await getJson(sl.api, '/api/spans/nothex/tree')).body.error.message).toContain('"span_id"');
    expect((await getJson(sl.api, `/api/spans/${root()}/tree?max_depth=-1`)).body.error.message).toContain('"max_depth"');
  });
});
