import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactorOf } from '../src/policy/project-policies.js';
import { luhn } from '../src/redaction/redaction-rules.js';
import { json, startTestServer, type TestServer } from './support/test-server.js';

const ALL = {
  builtins: ['email', 'api-key', 'card-number', 'phone'],
  patterns: [{ name: 'order-id', regex: 'ORD-[0-9]{6}' }],
  attributeKeys: ['user.email'],
};

describe('redaction rules', () => {
  const r = redactorOf(ALL);
  it.each([
    ['write to alice.smith+test@example.co.uk now', 'write to [REDACTED:email] now'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def', 'Authorization: [REDACTED:api-key]'],
    ['key sk-proj-AbCdEf0123456789xyzXYZ', 'key [REDACTED:api-key]'],
    ['aws AKIAIOSFODNN7EXAMPLE here', 'aws [REDACTED:api-key] here'],
    ['card 4242 4242 4242 4242 ok', 'card [REDACTED:card-number] ok'],
    ['card 4111-1111-1111-1111', 'card [REDACTED:card-number]'],
    ['call +1 415 555 0100 or (415) 555-0100', 'call [REDACTED:phone] or [REDACTED:phone]'],
    ['order ORD-123456 shipped', 'order [REDACTED:order-id] shipped'],
  ])('%s', (text, want) => {
    expect(r?.text(text)).toBe(want);
  });

  it('leaves alone what only looks like a card number or a phone number', () => {
    expect(luhn('4242424242424242')).toBe(true);
    expect(luhn('4242424242424243')).toBe(false);
    for (const text of ['trace 1234567890123456 of 2026-12-05', 'took 1733371200000 ms', 'version 1.2.3', 'id 4242424242424243'])
      expect(r?.text(text)).toBe(text);
  });

  it('takes time in proportion to the text, on text built to make patterns backtrack', () => {
    const hostile = [
      'a'.repeat(200_000),
      `a@${'a.'.repeat(100_000)}`,
      '1 '.repeat(100_000),
      `+1 ${'12 '.repeat(60_000)}`,
      'a.b@c'.repeat(40_000),
    ];
    for (const text of hostile) {
      const started = performance.now();
      r?.text(text);
      // Linear time is a few milliseconds here; the quadratic patterns this guards against took minutes.
      expect(performance.now() - started, text.slice(0, 12)).toBeLessThan(1000);
    }
  });

  it('redacts inside arrays and maps, and whole values of the keys named', () => {
    expect({ ...r?.attributes({ 'user.email': 'bob@example.com', list: ['x', 'mail bob@example.com'], n: 5n }) }).toEqual({
      'user.email': '[REDACTED:user.email]',
      list: ['x', 'mail [REDACTED:email]'],
      n: 5n,
    });
    expect(redactorOf({ builtins: [], patterns: [], attributeKeys: [] })).toBeNull();
  });
});

const ADMIN_KEY = 'admin-key-of-the-redaction-suite';
let sl: TestServer;
let key = '';
const EMAIL = 'carol.jones@example.com';
const CARD = '4242 4242 4242 4242';

async function post(path: string, body: unknown) {
  const res = await fetch(sl.api + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, path).toBe(200);
}
const get = async (path: string) => {
  const res = await fetch(sl.api + path, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, text: await res.text() };
};

beforeAll(async () => {
  sl = await startTestServer({ auth: 'on', adminKey: ADMIN_KEY });
  const made = await fetch(`${sl.api}/api/projects`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'private',
      redaction: { builtins: ['email', 'card-number'], patterns: [], attribute_keys: ['user.email'] },
    }),
  });
  expect(made.status).toBe(201);
  const k = await fetch(`${sl.api}/api/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: '{"project":"private"}',
  });
  key = (await json(k)).key;
});
afterAll(() => sl?.stop());

const now = () => String(BigInt(Date.now()) * 1_000_000n);
const hex = (n: number) => randomBytes(n).toString('hex');

describe('redaction at ingest, on every path, before anything is stored', () => {
  it('OTLP span attributes and events: the raw span, the LLM call and the search index all hold the mark', async () => {
    const traceId = hex(16);
    const spanId = hex(8);
    const t = now();
    await post('/v1/traces', {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId,
                  spanId,
                  name: `chat for ${EMAIL}`,
                  kind: 3,
                  startTimeUnixNano: t,
                  endTimeUnixNano: t,
                  attributes: [
                    { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                    { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
                    { key: 'user.email', value: { stringValue: 'someone@else.org' } },
                    {
                      key: 'gen_ai.input.messages',
                      value: {
                        stringValue: JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `I am ${EMAIL}, card ${CARD}` }] }]),
                      },
                    },
                  ],
                  events: [{ name: 'note', timeUnixNano: t, attributes: [{ key: 'text', value: { stringValue: `mail ${EMAIL}` } }] }],
                },
              ],
            },
          ],
        },
      ],
    });
    const raw = await get(`/api/traces/${traceId}`);
    expect(raw.text).not.toContain(EMAIL);
    expect(raw.text).not.toContain('4242 4242');
    expect(raw.text).not.toContain('someone@else.org');
    expect(raw.text).toContain('[REDACTED:email]');
    expect(raw.text).toContain('[REDACTED:card-number]');
    expect(raw.text).toContain('[REDACTED:user.email]');
    const call = await get(`/api/llm-calls/${spanId}`);
    expect(call.status).toBe(200);
    expect(call.text).toContain('I am [REDACTED:email], card [REDACTED:card-number]');
    expect((await get(`/api/traces?start=1h&q=${encodeURIComponent('carol.jones')}`)).text).not.toContain(traceId);
  });

  it('OTLP metric attributes', async () => {
    await post('/v1/metrics', {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'queue.depth',
                  gauge: {
                    dataPoints: [{ timeUnixNano: now(), asInt: '3', attributes: [{ key: 'customer', value: { stringValue: EMAIL } }] }],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const groups = await get('/api/otel-metrics?name=queue.depth&group_by=customer&start=1h');
    expect(groups.status).toBe(200);
    expect(groups.text).toContain('[REDACTED:email]');
    expect(groups.text).not.toContain(EMAIL);
  });

  it('OTLP log bodies and attributes', async () => {
    const traceId = hex(16);
    await post('/v1/logs', {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: now(),
                  traceId,
                  spanId: hex(8),
                  body: { stringValue: `refund to ${EMAIL}` },
                  attributes: [{ key: 'card', value: { stringValue: CARD } }],
                },
              ],
            },
          ],
        },
      ],
    });
    const logs = await get(`/api/logs?trace_id=${traceId}`);
    expect(logs.text).toContain('refund to [REDACTED:email]');
    expect(logs.text).toContain('[REDACTED:card-number]');
    expect(logs.text).not.toContain(EMAIL);
  });

  it('Llama Stack events', async () => {
    const traceId = hex(16);
    const spanId = hex(8);
    const at = new Date().toISOString();
    await post('/v1/telemetry/log-event', {
      event: {
        type: 'structured_log',
        trace_id: traceId,
        span_id: spanId,
        timestamp: at,
        attributes: { who: EMAIL },
        payload: { type: 'span_start', name: 'agent' },
      },
      ttl_seconds: 600,
    });
    await post('/v1/telemetry/log-event', {
      event: { type: 'unstructured_log', trace_id: traceId, span_id: spanId, timestamp: at, message: `hello ${EMAIL}`, severity: 'info' },
      ttl_seconds: 600,
    });
    await post('/v1/telemetry/log-event', {
      event: { type: 'structured_log', trace_id: traceId, span_id: spanId, timestamp: at, payload: { type: 'span_end', status: 'ok' } },
      ttl_seconds: 600,
    });
    const span = await get(`/api/traces/${traceId}`);
    expect(span.status).toBe(200);
    expect(span.text).not.toContain(EMAIL);
    expect(span.text).toContain('[REDACTED:email]');
  });

  it('import', async () => {
    const traceId = hex(16);
    await post('/api/import', {
      format: 'sightline-export',
      version: 1,
      exported_at: new Date().toISOString(),
      resource: { attributes: { 'service.name': 'imported' } },
      sessions: [],
      traces: [],
      spans: [
        {
          trace_id: traceId,
          span_id: hex(8),
          parent_span_id: null,
          name: 'imported',
          kind: 'internal',
          start_time_unix_nano: now(),
          end_time_unix_nano: now(),
          status: { code: 'unset', message: '' },
          attributes: { note: `from ${EMAIL}` },
          events: [],
          links: [],
          scope: { name: 'x', version: '1' },
        },
      ],
    });
    const span = await get(`/api/traces/${traceId}`);
    expect(span.text).toContain('from [REDACTED:email]');
    expect(span.text).not.toContain(EMAIL);
  });
});
