import type { Span } from '@sightline/core';
import { MemoryStorage } from '@sightline/storage';
import { buildSpan, hexId } from '@sightline/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDatasets } from '../src/llama-stack/client-routes.js';
import { getJson, postJson, startTestServer, type TestServer } from './support/test-server.js';

/** `2024-05-01T12:00:00.<ms>` as Sightline writes times. */
const time = (ms: number) => `2024-05-01T12:00:00.${String(ms).padStart(3, '0')}000000Z`;

/** A turn: a root with a session, an inference under it (with a tool call under that), and a span without attributes. */
function turn(session: string, startMs = 0, traceId = hexId(32)): Span[] {
  const root = buildSpan({ traceId, name: 'agent_turn', startMs, durationMs: 50, attributes: { session_id: session } });
  const inference = buildSpan({
    traceId,
    parentSpanId: root.spanId,
    name: 'inference',
    startMs: startMs + 1,
    durationMs: 20,
    attributes: { model_id: 'llama-3.1-8b', output: 'sunny', output_tokens: 7n },
  });
  const tool = buildSpan({
    traceId,
    parentSpanId: inference.spanId,
    name: 'tool_call',
    startMs: startMs + 2,
    durationMs: 5,
    status: 'error',
    attributes: { model_id: 'none', tool_name: 'get_weather' },
  });
  const bare = buildSpan({ traceId, parentSpanId: root.spanId, name: 'bare', startMs: startMs + 30, durationMs: 1 });
  return [root, inference, tool, bare];
}

describe.each([
  ['SQLite', () => startTestServer()],
  ['memory', () => startTestServer({ storage: new MemoryStorage() })],
])('the llama-stack-client routes (%s store)', (_store, start) => {
  let sl: TestServer;
  const [root, inference, tool, bare] = turn('s-1') as [Span, Span, Span, Span];
  const other = turn('s-2', 100);
  const bySession = (value: string) => [{ key: 'session_id', op: 'eq', value }];
  beforeAll(async () => {
    sl = await start();
    await sl.server.storage.writer.write([{ project: 'default', spans: [root, inference, tool, bare, ...other] }]);
  });
  afterAll(() => sl.stop());

  describe('POST /v1/telemetry/traces', () => {
    it('queries traces as /v1/telemetry/query-traces does', async () => {
      const { status, body } = await postJson(sl.api, '/v1/telemetry/traces', { attribute_filters: bySession('s-1'), limit: 5 });
      expect(status).toBe(200);
      expect(body).toEqual({ data: [{ trace_id: root.traceId, root_span_id: root.spanId, start_time: time(0), end_time: time(50) }] });
      const all = await postJson(sl.api, '/v1/telemetry/traces', { order_by: ['start_time'] });
      expect(all.body.data.map((t: { trace_id: string }) => t.trace_id)).toEqual([root.traceId, other[0]?.traceId]);
    });

    it('answers 400 naming the field', async () => {
      const bad = await postJson(sl.api, '/v1/telemetry/traces', { attribute_filters: [{ key: 'k', op: 'like', value: 1 }] });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('attribute_filters[0].op');
      expect((await postJson(sl.api, '/v1/telemetry/traces', { limit: 0 })).body.error.message).toContain('"limit"');
    });
  });

  describe('GET /v1/telemetry/traces/{trace_id}', () => {
    it('answers a trace', async () => {
      expect(await getJson(sl.api, `/v1/telemetry/traces/${root.traceId}`)).toEqual({
        status: 200,
        body: { trace_id: root.traceId, root_span_id: root.spanId, start_time: time(0), end_time: time(50) },
      });
    });

    it('answers 404 for an unknown trace and 400 for a malformed id', async () => {
      const missing = await getJson(sl.api, `/v1/telemetry/traces/${'0'.repeat(31)}1`);
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('not_found');
      const bad = await getJson(sl.api, '/v1/telemetry/traces/xyz');
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('path parameter "trace_id"');
    });
  });

  describe('GET /v1/telemetry/traces/{trace_id}/spans/{span_id}', () => {
    it('answers a span with all its attributes and no status (Llama Stack’s Span)', async () => {
      expect(await getJson(sl.api, `/v1/telemetry/traces/${root.traceId}/spans/${tool.spanId}`)).toEqual({
        status: 200,
        body: {
          span_id: tool.spanId,
          trace_id: root.traceId,
          parent_span_id: inference.spanId,
          name: 'tool_call',
          start_time: time(2),
          end_time: time(7),
          attributes: { model_id: 'none', tool_name: 'get_weather' },
        },
      });
    });

    it('answers 404 for a span of another trace, 400 for a malformed span id', async () => {
      expect((await getJson(sl.api, `/v1/telemetry/traces/${other[0]?.traceId}/spans/${tool.spanId}`)).status).toBe(404);
      const bad = await getJson(sl.api, `/v1/telemetry/traces/${root.traceId}/spans/12`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('path parameter "span_id"');
    });
  });

  describe('POST /v1/telemetry/spans/{span_id}/tree', () => {
    it('answers the tree as a map of spans with status, to the depth asked, with the attributes asked', async () => {
      const { status, body } = await postJson(sl.api, `/v1/telemetry/spans/${root.spanId}/tree`, {
        attributes_to_return: ['model_id'],
        max_depth: 2,
      });
      expect(status).toBe(200);
      expect(Object.keys(body.data)).toEqual([root.spanId, inference.spanId, bare.spanId]);
      expect(body.data[inference.spanId]).toEqual({
        span_id: inference.spanId,
        trace_id: root.traceId,
        parent_span_id: root.spanId,
        name: 'inference',
        start_time: time(1),
        end_time: time(21),
        attributes: { model_id: 'llama-3.1-8b' },
        status: 'ok',
      });
      const whole = await postJson(sl.api, `/v1/telemetry/spans/${inference.spanId}/tree`, {});
      expect(whole.body.data[tool.spanId]).toMatchObject({ status: 'error', attributes: { model_id: 'none', tool_name: 'get_weather' } });
    });

    it('answers 404 for an unknown span and 400 naming the field', async () => {
      expect((await postJson(sl.api, `/v1/telemetry/spans/${'0'.repeat(15)}1/tree`, {})).status).toBe(404);
      const bad = await postJson(sl.api, `/v1/telemetry/spans/${root.spanId}/tree`, { attributes_to_return: [1] });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('attributes_to_return[0]');
      expect((await postJson(sl.api, `/v1/telemetry/spans/${root.spanId}/tree`, { max_depth: 0 })).body.error.message).toContain(
        'max_depth',
      );
    });
  });

  describe('POST /v1/telemetry/spans', () => {
    it('answers the spans of matching traces that have every attribute asked for, only those shown', async () => {
      const { status, body } = await postJson(sl.api, '/v1/telemetry/spans', {
        attribute_filters: bySession('s-1'),
        attributes_to_return: ['model_id'],
      });
      expect(status).toBe(200);
      expect(body).toEqual({
        data: [
          {
            span_id: inference.spanId,
            trace_id: root.traceId,
            parent_span_id: root.spanId,
            name: 'inference',
            start_time: time(1),
            end_time: time(21),
            attributes: { model_id: 'llama-3.1-8b' },
          },
          {
            span_id: tool.spanId,
            trace_id: root.traceId,
            parent_span_id: inference.spanId,
            name: 'tool_call',
            start_time: time(2),
            end_time: time(7),
            attributes: { model_id: 'none' },
          },
        ],
      });
    });

    it('counts max_depth from each root, and with no filters walks every trace', async () => {
      const shallow = await postJson(sl.api, '/v1/telemetry/spans', {
        attribute_filters: [],
        attributes_to_return: ['model_id'],
        max_depth: 2,
      });
      expect(shallow.body.data.map((s: { name: string }) => s.name)).toEqual(['inference', 'inference']);
      const roots = await postJson(sl.api, '/v1/telemetry/spans', { attribute_filters: [], attributes_to_return: [], max_depth: 1 });
      expect(roots.body.data.map((s: { span_id: string }) => s.span_id)).toEqual([other[0]?.spanId, root.spanId]);
    });

    it('requires attribute_filters and attributes_to_return (400 naming them)', async () => {
      const noFilters = await postJson(sl.api, '/v1/telemetry/spans', { attributes_to_return: [] });
      expect(noFilters.status).toBe(400);
      expect(noFilters.body.error.message).toBe('field "attribute_filters" is required');
      const noKeys = await postJson(sl.api, '/v1/telemetry/spans', { attribute_filters: [] });
      expect(noKeys.body.error.message).toBe('field "attributes_to_return" is required');
    });
  });

  describe('POST /v1/telemetry/events', () => {
    it('logs events as /v1/telemetry/log-event does', async () => {
      const traceId = hexId(32);
      const spanId = hexId(16);
      const event = (timestamp: string, payload: object) => ({
        type: 'structured_log',
        trace_id: traceId,
        span_id: spanId,
        timestamp,
        payload,
      });
      expect(
        await postJson(sl.api, '/v1/telemetry/events', { event: event(time(0), { type: 'span_start', name: 'step' }), ttl_seconds: 60 }),
      ).toEqual({
        status: 200,
        body: null,
      });
      await postJson(sl.api, '/v1/telemetry/events', { event: event(time(5), { type: 'span_end', status: 'ok' }), ttl_seconds: 60 });
      const { body } = await getJson(sl.api, `/v1/telemetry/traces/${traceId}/spans/${spanId}`);
      expect(body).toMatchObject({ name: 'step', start_time: time(0), end_time: time(5) });
    });

    it('answers 400 naming the field', async () => {
      const bad = await postJson(sl.api, '/v1/telemetry/events', { event: { type: 'metric' }, ttl_seconds: 60 });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('event.trace_id');
    });
  });

  describe('POST /v1/telemetry/spans/export and /api/datasets', () => {
    const rowOf = (s: Span, extra: object) => ({
      trace_id: s.traceId,
      span_id: s.spanId,
      parent_span_id: s.parentSpanId,
      name: s.name,
      start_time: expect.any(String),
      end_time: expect.any(String),
      ...extra,
    });

    it('saves the matching spans’ attributes as rows, appending on each save; lists and reads datasets back as JSON lines', async () => {
      const save = { attribute_filters: bySession('s-1'), attributes_to_save: ['model_id', 'output_tokens'], dataset_id: 'evals v1' };
      expect(await postJson(sl.api, '/v1/telemetry/spans/export', save)).toEqual({ status: 200, body: null });
      await postJson(sl.api, '/v1/telemetry/spans/export', { ...save, attributes_to_save: ['output'], dataset_id: 'outputs' });
      await postJson(sl.api, '/v1/telemetry/spans/export', { ...save, max_depth: 2 });
      expect((await getJson(sl.api, '/api/datasets')).body).toEqual({
        data: [
          { name: 'evals v1', row_count: 2 },
          { name: 'outputs', row_count: 1 },
        ],
      });
      const res = await fetch(`${sl.api}/api/datasets/${encodeURIComponent('evals v1')}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      const text = await res.text();
      expect(text.endsWith('\n')).toBe(true);
      expect(
        text
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l)),
      ).toEqual([
        { ...rowOf(inference, { model_id: 'llama-3.1-8b', output_tokens: 7 }), start_time: time(1), end_time: time(21) },
        rowOf(inference, { model_id: 'llama-3.1-8b', output_tokens: 7 }),
      ]);
      const outputs = await (await fetch(`${sl.api}/api/datasets/outputs`)).text();
      expect(JSON.parse(outputs)).toEqual(rowOf(inference, { output: 'sunny' }));
    });

    it('answers 400 naming the field, and 404 for an unknown dataset', async () => {
      const body = { attribute_filters: [], attributes_to_save: ['model_id'], dataset_id: 'a/b' };
      const slash = await postJson(sl.api, '/v1/telemetry/spans/export', body);
      expect(slash.status).toBe(400);
      expect(slash.body.error.message).toContain('field "dataset_id"');
      const missing = await postJson(sl.api, '/v1/telemetry/spans/export', { ...body, dataset_id: undefined });
      expect(missing.body.error.message).toBe('field "dataset_id" is required');
      const noKeys = await postJson(sl.api, '/v1/telemetry/spans/export', { ...body, attributes_to_save: undefined, dataset_id: 'x' });
      expect(noKeys.body.error.message).toBe('field "attributes_to_save" is required');
      const unknown = await getJson(sl.api, '/api/datasets/nothing-here');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toContain('"nothing-here"');
    });
  });
});

describe('spans across many traces (more than a page of traces, a dataset read in several slices)', () => {
  let sl: TestServer;
  const traces = Array.from({ length: 260 }, (_, i) => turn('bulk', i * 1000));
  beforeAll(async () => {
    sl = await startTestServer();
    await sl.server.storage.writer.write([{ project: 'default', spans: traces.flat() }]);
  });
  afterAll(() => sl.stop());

  it('queries and saves every matching span, newest trace first', async () => {
    const query = { attribute_filters: [{ key: 'session_id', op: 'eq', value: 'bulk' }], attributes_to_return: ['model_id'] };
    const { body } = await postJson(sl.api, '/v1/telemetry/spans', query);
    expect(body.data).toHaveLength(520);
    expect(body.data[0].trace_id).toBe(traces[259]?.[0]?.traceId);
    expect(body.data[519].trace_id).toBe(traces[0]?.[0]?.traceId);

    await postJson(sl.api, '/v1/telemetry/spans/export', { ...query, attributes_to_save: ['model_id'], dataset_id: 'bulk' });
    await postJson(sl.api, '/v1/telemetry/spans/export', { ...query, attributes_to_save: ['model_id'], dataset_id: 'bulk' });
    expect((await getJson(sl.api, '/api/datasets')).body.data).toEqual([{ name: 'bulk', row_count: 1040 }]);
    const lines = (await (await fetch(`${sl.api}/api/datasets/bulk`)).text()).trimEnd().split('\n');
    expect(lines).toHaveLength(1040);
    const ids = lines.map((l) => JSON.parse(l).span_id);
    expect(ids.slice(520)).toEqual(ids.slice(0, 520));
    expect(ids.slice(0, 520)).toEqual(body.data.map((s: { span_id: string }) => s.span_id));
  });
});

describe('a store without datasets', () => {
  it('answers 501', () => {
    expect(() => requireDatasets(undefined)).toThrow(expect.objectContaining({ status: 501, message: 'this store keeps no datasets' }));
  });
});
