import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postTraces } from './support/fixtures.js';
import { getJson, postJson, startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer;

/** OTLP/JSON: `count` LLM chat spans of the last minute, one trace each, in two sessions. */
function chatSpans(count: number): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: count }, (_, i) => ({
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    name: 'chat gpt-4o',
    kind: 3,
    startTimeUnixNano: String(now - BigInt(count - i) * 1_000_000_000n),
    endTimeUnixNano: String(now - BigInt(count - i) * 1_000_000_000n + 250_000_000n),
    attributes: [
      { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
      { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
      { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } },
      { key: 'gen_ai.usage.input_tokens', value: { intValue: '100' } },
      { key: 'gen_ai.usage.output_tokens', value: { intValue: '20' } },
      { key: 'session.id', value: { stringValue: `session-${i % 2}` } },
    ],
  }));
  const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'chat-api' } }] };
  return JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ spans }] }] });
}

/** A cursor as the server writes one (base64url JSON), with values the client chose. */
const forgedCursor = (order: string, value: string, key: string) => Buffer.from(JSON.stringify([order, value, key])).toString('base64url');

const filters = (n: number, prefix = 'attr.') => Array.from({ length: n }, (_, i) => `${prefix}key${i}=exists`).join('&');

beforeAll(async () => {
  sl = await startTestServer();
  const res = await postTraces(sl.otlpHttp, chatSpans(4));
  expect(res.status).toBe(200);
});
afterAll(() => sl.stop());

const LISTS = ['/api/traces', '/api/llm-calls', '/api/sessions', '/api/metrics'];

describe('query values the store cannot hold', () => {
  it.each(
    LISTS.flatMap((path) => [
      [path, 'start=9999-12-31T23:59:59Z', 'start'],
      [path, 'start=1677-01-01T00:00:00Z', 'start'],
      [path, 'start=0099-01-01T00:00:00Z', 'start'],
      [path, 'start=1000000w', 'start'],
      [path, `start=${'9'.repeat(400)}d`, 'start'],
      [path, 'end=9999-12-31T23:59:59Z', 'end'],
      [path, 'end=1677-01-01T00:00:00Z', 'end'],
      [path, 'limit=1e308', 'limit'],
      [path, 'limit=99999999999999999999', 'limit'],
    ]),
  )('%s?%s answers 400 naming "%s"', async (path, query, name) => {
    const { status, body } = await getJson(sl.api, `${path}?${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_argument');
    expect(body.error.message).toContain(`"${name}"`);
    if (name !== 'limit') expect(body.error.message).toContain('between 1970-01-01T00:00:00.000000000Z and 2262-04-11T23:47:16.854775807Z');
  });

  it.each([
    ['/api/traces', 'min_duration_ms=1e308', 'min_duration_ms'],
    ['/api/traces', 'max_duration_ms=1e308', 'max_duration_ms'],
    ['/api/traces', 'min_duration_ms=1e13', 'min_duration_ms'],
    ['/api/llm-calls', 'min_duration_ms=1e308', 'min_duration_ms'],
    ['/api/llm-calls', 'min_cost_usd=1e308', 'min_cost_usd'],
    ['/api/metrics', 'min_duration_ms=1e308', 'min_duration_ms'],
    ['/api/metrics', 'min_cost_usd=1e308', 'min_cost_usd'],
  ])('%s?%s answers 400 naming "%s" and its limit', async (path, query, name) => {
    const { status, body } = await getJson(sl.api, `${path}?${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_argument');
    expect(body.error.message).toContain(`"${name}" must be at most`);
  });

  it.each([
    ['/api/traces', forgedCursor('start_time:desc', '99999999999999999999999', '1')],
    ['/api/traces', forgedCursor('start_time:desc', '1', '99999999999999999999999')],
    ['/api/traces', forgedCursor('start_time:desc', '1', 'x')],
    ['/api/llm-calls', forgedCursor('timestamp:desc', '99999999999999999999999', '1')],
    ['/api/llm-calls', forgedCursor('timestamp:desc', '1', '1e3')],
    ['/api/sessions', forgedCursor('last_seen:desc', '99999999999999999999999', '1')],
    ['/api/sessions', forgedCursor('last_seen:desc', '1', 'x')],
  ])('%s answers 400 naming "cursor" for a forged cursor %s', async (path, cursor) => {
    const { status, body } = await getJson(sl.api, `${path}?cursor=${cursor}`);
    expect(status).toBe(400);
    expect(body.error.message).toContain('"cursor"');
  });

  it('still answers in-range values: relative times, large durations, real cursors', async () => {
    expect((await getJson(sl.api, '/api/llm-calls?start=24h')).body.data).toHaveLength(4);
    expect((await getJson(sl.api, '/api/traces?start=1970-01-01T00:00:00Z&end=2262-04-11T00:00:00Z')).body.data).toHaveLength(4);
    expect((await getJson(sl.api, '/api/traces?max_duration_ms=9223372036854')).body.data).toHaveLength(4);
    expect((await getJson(sl.api, '/api/llm-calls?min_cost_usd=1000000000')).status).toBe(200);
    for (const path of ['/api/traces', '/api/llm-calls', '/api/sessions']) {
      const first = await getJson(sl.api, `${path}?limit=1`);
      const next = await getJson(sl.api, `${path}?limit=1&cursor=${first.body.next_cursor}`);
      expect(next.status, path).toBe(200);
      expect(next.body.data, path).toHaveLength(1);
    }
  });
});

describe('attribute filters per request', () => {
  it.each(['/api/traces', '/api/llm-calls', '/api/metrics'])('%s takes 50 attr.* and resource.* filters and refuses 51', async (path) => {
    expect((await getJson(sl.api, `${path}?${filters(50)}`)).status).toBe(200);
    expect((await getJson(sl.api, `${path}?${filters(25)}&${filters(25, 'resource.')}`)).status).toBe(200);
    for (const query of [filters(51), `${filters(26)}&${filters(25, 'resource.')}`]) {
      const { status, body } = await getJson(sl.api, `${path}?${query}`);
      expect(status).toBe(400);
      expect(body.error.code).toBe('invalid_argument');
      expect(body.error.message).toContain('"attr.*" and "resource.*": at most 50 attribute filters per request, got 51');
    }
  });

  it('POST /v1/telemetry/query-traces takes 50 attribute_filters and refuses 1,000', async () => {
    const conditions = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `key${i}`, op: 'ne', value: i }));
    const fifty = await postJson(sl.api, '/v1/telemetry/query-traces', { attribute_filters: conditions(50) });
    expect(fifty.status).toBe(200);
    const many = await postJson(sl.api, '/v1/telemetry/query-traces', { attribute_filters: conditions(1000) });
    expect(many.status).toBe(400);
    expect(many.body.error).toEqual({
      code: 'invalid_argument',
      message: 'field "attribute_filters": at most 50 filters per request, got 1000',
    });
  });
});
