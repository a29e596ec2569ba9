import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Attributes, context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { MemoryStorage } from '@sightline/storage';
import { SqliteStorage } from '@sightline/storage-sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { exporterFor, sdkProvider } from './support/otel-clients.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer | null = null;
afterEach(async () => {
  await sl?.stop();
  sl = null;
});

interface Recorded {
  readonly traceId: string;
  readonly spanId: string;
}

/**
 * Records, with the official OpenTelemetry SDK and its protobuf exporter: a support agent run
 * with two chat calls (GenAI messages as JSON attributes) and a failed tool call; a run traced
 * with OpenInference's flattened message attributes; and an unrelated HTTP request.
 */
async function record(server: TestServer, service = 'support-bot'): Promise<Record<string, Recorded>> {
  const provider = sdkProvider(exporterFor('proto', server), service);
  const tracer = provider.getTracer('test-app', '1.0.0');
  const t0 = Date.now() - 60_000;
  const made: Record<string, Recorded> = {};
  const span = (key: string, name: string, attributes: Attributes, at: number, parent?: Recorded & { ctx: unknown }) => {
    const ctx = parent ? (parent.ctx as ReturnType<typeof context.active>) : context.active();
    const s = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes, startTime: t0 + at }, ctx);
    const ids = {
      traceId: s.spanContext().traceId,
      spanId: s.spanContext().spanId,
      ctx: trace.setSpan(ctx, s),
      end: () => s.end(t0 + at + 50),
    };
    made[key] = ids;
    return { ...ids, s };
  };
  const messages = (role: string, content: string) => JSON.stringify([{ role, parts: [{ type: 'text', content }] }]);
  const chat = (model: string, prompt: string, answer: string): Attributes => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': model,
    'gen_ai.usage.input_tokens': 20,
    'gen_ai.usage.output_tokens': 8,
    'gen_ai.input.messages': messages('user', prompt),
    'gen_ai.output.messages': messages('assistant', answer),
  });

  const agent = span('agent', 'agent.run', { 'session.id': 'conv-1' }, 0);
  span(
    'refund',
    'chat gpt-4o',
    chat('gpt-4o', 'Can I get a refund for order 4521?', 'Yes: refunds take five working days.'),
    10,
    agent,
  ).end();
  span('parcel', 'chat gpt-4o-mini', chat('gpt-4o-mini', 'Where is my parcel?', 'Your parcel left the Zürich depot.'), 20, agent).end();
  const tool = span('tool', 'execute_tool lookup_order', { 'gen_ai.tool.name': 'lookup_order' }, 30, agent);
  tool.s.recordException({ name: 'TimeoutError', message: 'orders database did not answer' });
  tool.s.setStatus({ code: SpanStatusCode.ERROR, message: 'lookup timed out' });
  tool.end();
  agent.end();

  const oi = span(
    'openinference',
    'ChatCompletion',
    {
      'openinference.span.kind': 'LLM',
      'llm.provider': 'openai',
      'llm.model_name': 'gpt-4o-mini',
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.content': 'Translate "thank you" into Norwegian',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': 'Tusen takk',
      'llm.token_count.prompt': 9,
      'llm.token_count.completion': 3,
    },
    100,
  );
  oi.end();
  span('http', 'GET /health', { 'http.route': '/health' }, 200).end();
  await provider.forceFlush();
  await provider.shutdown();
  return made;
}

const ids = (body: { data: { trace_id: string }[] }) => body.data.map((t) => t.trace_id);
const spanIds = (body: { data: { span_id: string }[] }) => body.data.map((c) => c.span_id);

describe('free-text search through the API', () => {
  it('finds traces by span names, GenAI and OpenInference message text, and error messages', async () => {
    const server = (sl = await startTestServer());
    const r = await record(server);
    const traces = async (query: string) => {
      const res = await getJson(server.api, `/api/traces?${query}`);
      expect(res.status, query).toBe(200);
      return ids(res.body);
    };
    const agent = r.agent?.traceId;
    expect(await traces('q=refund')).toEqual([agent]);
    expect(await traces(`q=${encodeURIComponent('Where is my PARCEL?')}`)).toEqual([agent]);
    expect(await traces('q=zurich')).toEqual([agent]);
    expect(await traces('q=norwegian+takk')).toEqual([r.openinference?.traceId]);
    expect(await traces('q=database+answer')).toEqual([agent]);
    expect(await traces(`q=${encodeURIComponent('lookup timed out')}`)).toEqual([agent]);
    expect(await traces('q=health')).toEqual([r.http?.traceId]);
    expect(await traces('q=refund+norwegian')).toEqual([]);
    expect(await traces('q=kangaroo')).toEqual([]);
    // With other conditions: span-level ones on the same span.
    expect(await traces('q=refund&status=error')).toEqual([]);
    expect(await traces('q=timed&status=error')).toEqual([agent]);
    expect(await traces('q=parcel&name=chat+gpt-4o-mini')).toEqual([agent]);
    expect(await traces('q=parcel&service=billing')).toEqual([]);
    expect(await traces('q=gpt&order_by=start_time:asc')).toEqual([agent, r.openinference?.traceId]);
    const first = await getJson(server.api, '/api/traces?q=gpt&limit=1');
    expect(ids(first.body)).toEqual([r.openinference?.traceId]);
    const second = await getJson(server.api, `/api/traces?q=gpt&limit=1&cursor=${encodeURIComponent(first.body.next_cursor)}`);
    expect(ids(second.body)).toEqual([agent]);
    expect(second.body.next_cursor).toBeNull();
  });

  it('finds LLM calls by their prompts and completions', async () => {
    const server = (sl = await startTestServer());
    const r = await record(server);
    const calls = async (query: string) => {
      const res = await getJson(server.api, `/api/llm-calls?${query}`);
      expect(res.status, query).toBe(200);
      return spanIds(res.body);
    };
    expect(await calls('q=refund')).toEqual([r.refund?.spanId]);
    expect(await calls('q=working+days')).toEqual([r.refund?.spanId]);
    expect(await calls('q=tusen+takk')).toEqual([r.openinference?.spanId]);
    expect(await calls('q=parcel&model=gpt-4o')).toEqual([]);
    expect(await calls('q=parcel&model=gpt-4o-mini')).toEqual([r.parcel?.spanId]);
    expect(await calls('q=lookup_order')).toEqual([]);
    expect(await calls('q=agent')).toEqual([]);
    const page = await getJson(server.api, '/api/llm-calls?q=user&limit=2&order_by=timestamp:asc');
    expect(spanIds(page.body)).toEqual([r.refund?.spanId, r.parcel?.spanId]);
    const rest = await getJson(
      server.api,
      `/api/llm-calls?q=user&limit=2&order_by=timestamp:asc&cursor=${encodeURIComponent(page.body.next_cursor)}`,
    );
    expect(spanIds(rest.body)).toEqual([r.openinference?.spanId]);
  });

  it('finds the spans of one trace by their content', async () => {
    const server = (sl = await startTestServer());
    const r = await record(server);
    const agent = r.agent?.traceId as string;
    const within = async (traceId: string, q: string) => getJson(server.api, `/api/traces/${traceId}/search?q=${encodeURIComponent(q)}`);
    expect((await within(agent, 'orders database')).body).toEqual({ span_ids: [r.tool?.spanId] });
    expect(((await within(agent, 'gpt')).body.span_ids as string[]).sort()).toEqual([r.refund?.spanId, r.parcel?.spanId].sort());
    expect((await within(agent, 'norwegian')).body).toEqual({ span_ids: [] });
    expect((await within('0123456789abcdef0123456789abcdef', 'refund')).status).toBe(404);
    for (const [path, message] of [
      [`/api/traces/${agent}/search`, /"q" is required/],
      [`/api/traces/${agent}/search?q=%3F`, /"q" must contain a word/],
      ['/api/traces/xyz/search?q=refund', /trace_id/],
    ] as const) {
      const res = await getJson(server.api, path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.message, path).toMatch(message);
    }
  });

  it('refuses a q that is too long, has no words or comes twice, naming it', async () => {
    const server = (sl = await startTestServer({ storage: new MemoryStorage() }));
    for (const [path, message] of [
      [`/api/traces?q=${'a'.repeat(201)}`, /"q" must be at most 200 characters/],
      ['/api/llm-calls?q=%3F%21', /"q" must contain a word/],
      ['/api/traces?q=a&q=b', /"q" is given more than once/],
    ] as const) {
      const res = await getJson(server.api, path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.message, path).toMatch(message);
    }
    expect((await getJson(server.api, `/api/traces?q=${'a'.repeat(200)}`)).status).toBe(200);
  });

  it('searches the memory store too', async () => {
    const server = (sl = await startTestServer({ storage: new MemoryStorage() }));
    const r = await record(server);
    expect(ids((await getJson(server.api, '/api/traces?q=parcel')).body)).toEqual([r.agent?.traceId]);
    expect(spanIds((await getJson(server.api, '/api/llm-calls?q=parcel')).body)).toEqual([r.parcel?.spanId]);
  });

  it('answers 400 naming q when the store keeps no search index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-no-search-'));
    const server = (sl = await startTestServer({ storage: new SqliteStorage({ path: join(dir, 'x.db'), searchIndex: false }) }));
    await record(server);
    const traceId = ids((await getJson(server.api, '/api/traces?limit=1')).body)[0];
    for (const path of ['/api/traces?q=refund', '/api/llm-calls?q=refund', `/api/traces/${traceId}/search?q=refund`]) {
      const res = await getJson(server.api, path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.message).toMatch(/query parameter "q": free-text search is off/);
    }
    expect(ids((await getJson(server.api, '/api/traces')).body)).toHaveLength(3);
    await server.stop();
    sl = null;
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes q in the OpenAPI document', async () => {
    const server = (sl = await startTestServer({ storage: new MemoryStorage() }));
    const doc = (await getJson(server.api, '/api/openapi.json')).body;
    for (const path of ['/api/traces', '/api/llm-calls']) {
      const q = doc.paths[path].get.parameters.find((p: { name: string }) => p.name === 'q');
      expect(q?.schema).toEqual({ type: 'string', maxLength: 200 });
      expect(q?.description).toMatch(/every word/);
    }
  });
});
