import { msToNanos } from '@sightline/core';
import { buildTrace } from '@sightline/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer;
beforeAll(async () => {
  sl = await startTestServer();
});
afterAll(() => sl.stop());

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const ROOT = '00f067aa0ba902b7';
const CHILD = '00f067aa0ba902b8';
const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();
const log = (event: Record<string, unknown>, ttl_seconds?: number) => postJson(sl.api, '/v1/telemetry/log-event', { event, ttl_seconds });

describe('POST /v1/telemetry/log-event', () => {
  it('opens spans with span_start, collects logs and metrics, and stores them at span_end', async () => {
    expect(
      await log({
        type: 'structured_log',
        trace_id: TRACE,
        span_id: ROOT,
        timestamp: at(0),
        payload: { type: 'span_start', name: 'inference' },
      }),
    ).toEqual({
      status: 200,
      body: null,
    });
    await log({
      type: 'structured_log',
      trace_id: TRACE,
      span_id: CHILD,
      timestamp: at(1),
      attributes: { model: 'llama-3.1-8b' },
      payload: { type: 'span_start', name: 'chat_completion', parent_span_id: ROOT },
    });
    await log({
      type: 'unstructured_log',
      trace_id: TRACE,
      span_id: CHILD,
      timestamp: at(2),
      message: 'calling <b>model</b>',
      severity: 'info',
    });
    await log({ type: 'metric', trace_id: TRACE, span_id: CHILD, timestamp: at(3), metric: 'prompt_tokens', value: 42, unit: 'tokens' });
    // Nothing is stored while the spans are open.
    expect((await getJson(sl.api, `/api/traces/${TRACE}`)).status).toBe(404);
    await log({
      type: 'structured_log',
      trace_id: TRACE,
      span_id: CHILD,
      timestamp: at(4),
      attributes: { output_tokens: 7 },
      payload: { type: 'span_end', status: 'error' },
    });
    await log({ type: 'structured_log', trace_id: TRACE, span_id: ROOT, timestamp: at(5), payload: { type: 'span_end', status: 'ok' } });

    const { body } = await getJson(sl.api, `/api/traces/${TRACE}`);
    expect(body.trace).toMatchObject({
      root_span_id: ROOT,
      root_span_name: 'inference',
      span_count: 2,
      error_count: 1,
      service_name: 'llama-stack',
    });
    const child = body.spans.find((s: { span_id: string }) => s.span_id === CHILD);
    expect(child).toMatchObject({
      parent_span_id: ROOT,
      name: 'chat_completion',
      start_time: '2025-01-01T00:00:01.000000000Z',
      end_time: '2025-01-01T00:00:04.000000000Z',
      status: { code: 'error' },
      attributes: { model: 'llama-3.1-8b', output_tokens: 7 },
    });
    expect(child.events).toEqual([
      {
        time: '2025-01-01T00:00:02.000000000Z',
        name: 'unstructured_log',
        attributes: { message: 'calling <b>model</b>', severity: 'info' },
        dropped_attributes_count: 0,
      },
      {
        time: '2025-01-01T00:00:03.000000000Z',
        name: 'metric.prompt_tokens',
        attributes: { value: 42, unit: 'tokens' },
        dropped_attributes_count: 0,
      },
    ]);
  });

  it('keeps a log for a span that is not open, as a span under it', async () => {
    const trace = '5bf92f3577b34da6a3ce929d0e0e4736';
    await log({ type: 'unstructured_log', trace_id: trace, span_id: ROOT, timestamp: at(9), message: 'late', severity: 'warn' });
    const { body } = await getJson(sl.api, `/api/traces/${trace}`);
    expect(body.spans).toHaveLength(1);
    expect(body.spans[0]).toMatchObject({
      name: 'unstructured_log',
      parent_span_id: ROOT,
      attributes: { message: 'late', severity: 'warn' },
    });
  });

  it('honours ttl_seconds: the data expires', async () => {
    const trace = '6bf92f3577b34da6a3ce929d0e0e4736';
    await log(
      { type: 'structured_log', trace_id: trace, span_id: ROOT, timestamp: at(0), payload: { type: 'span_start', name: 'short-lived' } },
      60,
    );
    await log(
      { type: 'structured_log', trace_id: trace, span_id: ROOT, timestamp: at(1), payload: { type: 'span_end', status: 'ok' } },
      60,
    );
    expect((await getJson(sl.api, `/api/traces/${trace}`)).status).toBe(200);
    await sl.server.storage.purger?.deleteExpired(msToNanos(Date.now() + 30_000));
    expect((await getJson(sl.api, `/api/traces/${trace}`)).status).toBe(200);
    await sl.server.storage.purger?.deleteExpired(msToNanos(Date.now() + 61_000));
    expect((await getJson(sl.api, `/api/traces/${trace}`)).status).toBe(404);
  });

  it.each([
    [{}, 'event'],
    [{ event: { type: 'nope', trace_id: TRACE, span_id: ROOT, timestamp: at(0) } }, 'event.type'],
    [{ event: { type: 'metric', trace_id: 'xyz', span_id: ROOT, timestamp: at(0), metric: 'm', value: 1 } }, 'event.trace_id'],
    [{ event: { type: 'metric', trace_id: TRACE, span_id: ROOT, timestamp: 'later', metric: 'm', value: 1 } }, 'event.timestamp'],
    [{ event: { type: 'metric', trace_id: TRACE, span_id: ROOT, timestamp: at(0), metric: 'm', value: 'one' } }, 'event.value'],
    [
      { event: { type: 'structured_log', trace_id: TRACE, span_id: ROOT, timestamp: at(0), payload: { type: 'span_end', status: 'meh' } } },
      'event.payload.status',
    ],
    [
      { event: { type: 'unstructured_log', trace_id: TRACE, span_id: ROOT, timestamp: at(0), message: 'm' }, ttl_seconds: -5 },
      'ttl_seconds',
    ],
  ])('refuses %j with 400 naming %s', async (body, name) => {
    const res = await postJson(sl.api, '/v1/telemetry/log-event', body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(`"${name}"`);
  });
});

describe('POST /v1/telemetry/query-traces and get-span-tree', () => {
  const spans = buildTrace(7, { service: 'llama', fanout: 2, attributes: { session_id: 'abc', tokens: 10n } });
  beforeAll(async () => {
    await sl.server.storage.writer.write([{ project: 'default', spans }]);
  });

  it('finds traces by attribute conditions, in Llama Stack’s shape', async () => {
    const { status, body } = await postJson(sl.api, '/v1/telemetry/query-traces', {
      attribute_filters: [
        { key: 'session_id', op: 'eq', value: 'abc' },
        { key: 'tokens', op: 'gt', value: 5 },
      ],
      limit: 10,
      order_by: ['-start_time'],
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      data: [
        {
          trace_id: spans[0]?.traceId,
          root_span_id: spans[0]?.spanId,
          start_time: '2024-05-01T12:00:00.000000000Z',
          end_time: '2024-05-01T12:00:00.017000000Z',
        },
      ],
    });
    const none = await postJson(sl.api, '/v1/telemetry/query-traces', { attribute_filters: [{ key: 'tokens', op: 'lt', value: 5 }] });
    expect(none.body.data).toEqual([]);
  });

  it('pages with limit and offset', async () => {
    const all = (await postJson(sl.api, '/v1/telemetry/query-traces', {})).body.data;
    const second = (await postJson(sl.api, '/v1/telemetry/query-traces', { limit: 1, offset: 1 })).body.data;
    expect(second).toEqual([all[1]]);
  });

  it('returns a span tree as a flat map with ok/error status, Llama Stack’s depth counting and attribute choice', async () => {
    const { status, body } = await postJson(sl.api, '/v1/telemetry/get-span-tree', {
      span_id: spans[0]?.spanId,
      attributes_to_return: ['tokens', 'missing'],
      max_depth: 2,
    });
    expect(status).toBe(200);
    expect(Object.keys(body.data).sort()).toEqual([spans[0]?.spanId, spans[1]?.spanId, spans[2]?.spanId].sort());
    expect(body.data[spans[1]!.spanId]).toEqual({
      span_id: spans[1]?.spanId,
      trace_id: spans[0]?.traceId,
      parent_span_id: spans[0]?.spanId,
      name: 'child-1',
      start_time: '2024-05-01T12:00:00.001000000Z',
      end_time: '2024-05-01T12:00:00.006000000Z',
      attributes: { tokens: 10, missing: null },
      status: 'ok',
    });
    const whole = await postJson(sl.api, '/v1/telemetry/get-span-tree', { span_id: spans[0]?.spanId });
    expect(Object.keys(whole.body.data)).toHaveLength(7);
  });

  it('refuses malformed queries with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ attribute_filters: [{ key: 'a', op: 'like', value: 1 }] }, 'attribute_filters[0].op'],
      [{ attribute_filters: 'x' }, 'attribute_filters'],
      [{ limit: 0 }, 'limit'],
      [{ order_by: ['cost'] }, 'order_by'],
    ];
    for (const [body, name] of cases) {
      const res = await postJson(sl.api, '/v1/telemetry/query-traces', body);
      expect(res.status, name).toBe(400);
      expect(res.body.error.message).toContain(`"${name}"`);
    }
    expect((await postJson(sl.api, '/v1/telemetry/get-span-tree', {})).body.error.message).toContain('"span_id"');
    expect((await postJson(sl.api, '/v1/telemetry/get-span-tree', { span_id: spans[0]?.spanId, max_depth: 0 })).status).toBe(400);
    expect((await postJson(sl.api, '/v1/telemetry/get-span-tree', { span_id: 'ffffffffffffffff' })).status).toBe(404);
  });
});

describe('Llama Stack’s own paths: /alpha/telemetry/…', () => {
  const spans = buildTrace(7, { service: 'llama', fanout: 2, attributes: { agent_id: 'alpha', tokens: 3n } });
  beforeAll(async () => {
    await sl.server.storage.writer.write([{ project: 'default', spans }]);
  });

  it('query-traces answers a bare list of {trace_id, root_span_id, start_time, end_time}', async () => {
    const { status, body } = await postJson(sl.api, '/alpha/telemetry/query-traces', {
      attribute_filters: [{ key: 'agent_id', op: 'eq', value: 'alpha' }],
    });
    expect(status).toBe(200);
    expect(body).toEqual([
      {
        trace_id: spans[0]?.traceId,
        root_span_id: spans[0]?.spanId,
        start_time: '2024-05-01T12:00:00.000000000Z',
        end_time: '2024-05-01T12:00:00.017000000Z',
      },
    ]);
  });

  it('get-span-tree answers one span nesting its children, with ok/error status, max_depth and attributes_to_return', async () => {
    const { status, body } = await postJson(sl.api, '/alpha/telemetry/get-span-tree', {
      span_id: spans[0]?.spanId,
      attributes_to_return: ['tokens'],
      max_depth: 2,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ span_id: spans[0]?.spanId, parent_span_id: null, status: 'ok', attributes: { tokens: 3 } });
    expect(body.children.map((c: { span_id: string }) => c.span_id)).toEqual([spans[1]?.spanId, spans[2]?.spanId]);
    expect(body.children[0]).toMatchObject({ name: 'child-1', attributes: { tokens: 3 }, children: [] });
    const whole = await postJson(sl.api, '/alpha/telemetry/get-span-tree', { span_id: spans[0]?.spanId });
    const count = (node: { children: unknown[] }): number =>
      1 + node.children.reduce<number>((n, c) => n + count(c as { children: unknown[] }), 0);
    expect(count(whole.body)).toBe(7);
  });

  it('log-event opens and ends spans as /v1 does', async () => {
    const trace = 'a'.repeat(32);
    const event = (payload: Record<string, unknown>, s: number) => ({
      event: { type: 'structured_log', trace_id: trace, span_id: '1'.repeat(16), timestamp: at(s), payload },
    });
    expect((await postJson(sl.api, '/alpha/telemetry/log-event', event({ type: 'span_start', name: 'turn' }, 0))).status).toBe(200);
    expect((await postJson(sl.api, '/alpha/telemetry/log-event', event({ type: 'span_end', status: 'ok' }, 1))).status).toBe(200);
    expect((await getJson(sl.api, `/api/traces/${trace}`)).body.trace).toMatchObject({ root_span_name: 'turn', span_count: 1 });
  });

  it('answers a tree 5,000 spans deep in both shapes (no walk recurses)', async () => {
    const traceId = 'b'.repeat(32);
    const id = (i: number) => (i + 1).toString(16).padStart(16, '0');
    const deep = buildTrace(1, { traceId }).slice(0, 1);
    const [root] = deep;
    if (!root) throw new Error('no root');
    const chain = Array.from({ length: 5_000 }, (_, i) => ({
      ...root,
      spanId: id(i),
      parentSpanId: i === 0 ? null : id(i - 1),
      name: `level ${i}`,
    }));
    await sl.server.storage.writer.write([{ project: 'default', spans: chain }]);
    const nested = await postJson(sl.api, '/alpha/telemetry/get-span-tree', { span_id: id(0) });
    expect(nested.status).toBe(200);
    let node = nested.body;
    let depth = 1;
    while (node.children.length) {
      node = node.children[0];
      depth++;
    }
    expect([depth, node.name]).toEqual([5_000, 'level 4999']);
    const flat = await postJson(sl.api, '/v1/telemetry/get-span-tree', { span_id: id(0) });
    expect(Object.keys(flat.body.data)).toHaveLength(5_000);
  });
});

describe('a Llama Stack agent’s turn, as its log-event calls tell it', () => {
  it('makes the inference span a call with the token-count metrics as its usage, in the session of its turn', async () => {
    const trace = 'd'.repeat(32);
    const turn = '2'.repeat(16);
    const inference = '3'.repeat(16);
    const t = (s: number) => new Date(Date.UTC(2025, 0, 2, 0, 0, s)).toISOString();
    const send = (span_id: string, s: number, rest: Record<string, unknown>) =>
      postJson(sl.api, '/v1/telemetry/log-event', { event: { trace_id: trace, span_id, timestamp: t(s), ...rest } });
    const structured = (span_id: string, s: number, payload: Record<string, unknown>, attributes = {}) =>
      send(span_id, s, { type: 'structured_log', payload, attributes });
    await structured(turn, 0, { type: 'span_start', name: 'create_and_execute_turn' }, { session_id: 'ls-session-1', agent_id: 'a-1' });
    await structured(inference, 1, { type: 'span_start', name: 'chat_completion', parent_span_id: turn }, { model_id: 'llama3.2:3b' });
    const metric = (name: string, value: number, s: number) =>
      send(inference, s, {
        type: 'metric',
        metric: name,
        value,
        unit: 'tokens',
        attributes: { model_id: 'llama3.2:3b', provider_id: 'ollama' },
      });
    await metric('prompt_tokens', 120, 2);
    await metric('completion_tokens', 30, 2);
    await metric('total_tokens', 150, 2);
    await structured(inference, 3, { type: 'span_end', status: 'ok' });
    await structured(turn, 4, { type: 'span_end', status: 'ok' });

    const calls = (await getJson(sl.api, `/api/llm-calls?trace_id=${trace}`)).body.data;
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      span_id: inference,
      vocabulary: 'llama-stack',
      operation: 'chat',
      model: 'llama3.2:3b',
      provider: 'meta',
      host_provider: 'ollama',
      input_tokens: 120,
      output_tokens: 30,
      total_tokens: 150,
      duration_ms: 2000,
      session_id: 'ls-session-1',
    });
    expect((await getJson(sl.api, '/api/traces?session_id=ls-session-1')).body.data.map((x: { trace_id: string }) => x.trace_id)).toEqual([
      trace,
    ]);
    const session = await getJson(sl.api, '/api/sessions/ls-session-1');
    expect(session.status).toBe(200);
    expect(session.body.session).toMatchObject({ call_count: 1, input_tokens: 120, output_tokens: 30 });
  });
});
