import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, json, postJson, startTestServer, type TestServer } from './support/test-server.js';

/** `POST /api/import`: the SDK's JSON file export, loaded through the same checks and ingest as OTLP. */
let sl: TestServer;
beforeAll(async () => {
  sl = await startTestServer({ maxBodyBytes: 64 * 1024 });
});
afterAll(() => sl.stop());

const TRACE = 'aa'.repeat(16);
const START = 1_763_000_000_000_000_000n;

function span(id: string, extra: Record<string, unknown> = {}) {
  return {
    trace_id: TRACE,
    span_id: id,
    parent_span_id: null,
    name: 'chat gpt-4o-mini',
    kind: 'client',
    start_time_unix_nano: String(START),
    end_time_unix_nano: String(START + 800_000_000n),
    status: { code: 'unset', message: '' },
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 200,
      'gen_ai.request.temperature': 0.5,
      'session.id': 'conv-import',
    },
    events: [],
    links: [],
    scope: { name: '@sightline/sdk', version: '0.1.0' },
    ...extra,
  };
}
const doc = (spans: unknown[], extra: Record<string, unknown> = {}) => ({
  format: 'sightline-export',
  version: 1,
  exported_at: '2026-11-23T10:00:00.000Z',
  resource: { attributes: { 'service.name': 'imported-app' } },
  sessions: [],
  spans,
  traces: [],
  ...extra,
});

describe('POST /api/import', () => {
  it('stores the spans and the calls read from them, once however often the file is imported', async () => {
    const body = doc([
      span('0000000000000001'),
      span('0000000000000002', {
        parent_span_id: '0000000000000001',
        trace_state: 'congo=t61rcWkgMzE',
        flags: 1,
        name: 'tool',
        kind: 'internal',
        attributes: { 'gen_ai.operation.name': 'execute_tool' },
      }),
    ]);
    const first = await postJson(sl.api, '/api/import', body);
    expect(first).toEqual({ status: 200, body: { imported_spans: 2, rejected_spans: 0, traces: 1 } });
    expect((await postJson(sl.api, '/api/import', body)).status).toBe(200);

    const calls = (await getJson(sl.api, '/api/llm-calls?service=imported-app')).body.data;
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      input_tokens: 1000,
      output_tokens: 200,
      session_id: 'conv-import',
      cost_source: 'table',
      duration_ms: 800,
    });
    expect(calls[0].cost_usd).toBeGreaterThan(0);
    const trace = (await getJson(sl.api, `/api/traces/${TRACE}`)).body;
    expect(trace.spans).toHaveLength(2);
    const tool = trace.spans.find((s: { name: string }) => s.name === 'tool');
    expect(tool).toMatchObject({ parent_span_id: '0000000000000001', kind: 'internal', trace_state: 'congo=t61rcWkgMzE', flags: 1 });
  });

  it('refuses invalid spans one by one, naming where they are', async () => {
    const { status, body } = await postJson(
      sl.api,
      '/api/import',
      doc([span('0000000000000010'), span('zz'), span('0000000000000011', { end_time_unix_nano: '1' })]),
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ imported_spans: 1, rejected_spans: 2 });
    expect(body.message).toContain('spans[1] "chat gpt-4o-mini": span_id is not hex');
    expect(body.message).toContain('spans[2] "chat gpt-4o-mini": end_time_unix_nano is before start_time_unix_nano');

    const typed = await postJson(
      sl.api,
      '/api/import',
      doc([
        span('0000000000000012', { kind: 'sideways' }),
        span('0000000000000013', { attributes: { deep: JSON.parse(`${'['.repeat(100)}${']'.repeat(100)}`) } }),
        null,
        span('0000000000000014', { name: 5 }),
        span('0000000000000015'),
      ]),
    );
    expect(typed.body).toMatchObject({ imported_spans: 1, rejected_spans: 4 });
    expect(typed.body.message).toContain('spans[0] "chat gpt-4o-mini": kind: unknown enum value "sideways"');
    expect(typed.body.message).toMatch(/spans\[1\] "chat gpt-4o-mini": attributes\.deep.*nested deeper than 32 levels/);
    expect(typed.body.message).toContain('spans[2]: expected an object');
    expect(typed.body.message).toContain('spans[3]: name: expected a string');
  });

  it.each([
    ['not JSON', '{"format":', /not valid JSON/],
    [
      'an OTLP request',
      JSON.stringify({ resourceSpans: [] }),
      /format: expected "sightline-export".*got nothing — this is an OTLP\/JSON request: send it to POST \/v1\/traces/,
    ],
    ['a long wrong format', JSON.stringify(doc([], { format: 'x'.repeat(10_000) })), /got "x{60}\.\.\.$/],
    ['no spans', JSON.stringify(doc([], { spans: undefined })), /spans: expected an array/],
    ['a newer version', JSON.stringify(doc([], { version: 2 })), /version: 2 is not supported/],
    ['spans of the wrong type', JSON.stringify(doc([], { spans: {} })), /spans: expected an array/],
    ['a format nested 10,000 deep', `{"format":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, /format: expected .*got an array of 1/],
  ])('answers 400 for %s', async (_what, text, message) => {
    const res = await fetch(`${sl.api}/api/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    expect(res.status).toBe(400);
    expect((await json(res)).error.message).toMatch(message);
  });

  it('answers 415 for another content type, 413 beyond the body limit, and takes gzip', async () => {
    const plain = await fetch(`${sl.api}/api/import`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(plain.status).toBe(415);
    const big = JSON.stringify(doc([span('0000000000000030', { name: 'x'.repeat(100_000) })]));
    const tooBig = await fetch(`${sl.api}/api/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(tooBig.status).toBe(413);
    const gz = await fetch(`${sl.api}/api/import`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(doc([span('0000000000000031')]))),
    });
    expect(await gz.json()).toMatchObject({ imported_spans: 1 });
  });
});
