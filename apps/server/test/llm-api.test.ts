import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Attributes, context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { MemoryStorage } from '@sightline/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { logExporterFor, logProvider } from './support/log-clients.js';
import { type ExporterKind, exporterFor, sdkProvider } from './support/otel-clients.js';
import { getJson, json, startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer | null = null;
/** Folders a test made, removed after it. */
const made: string[] = [];
afterEach(async () => {
  await sl?.stop();
  sl = null;
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const start = async (options: Parameters<typeof startTestServer>[0] = {}) => {
  sl = await startTestServer(options);
  return sl;
};

/** Records spans with the official SDK and the protobuf exporter, then flushes them. */
async function emit(server: TestServer, build: (span: SpanMaker) => void): Promise<void> {
  const provider = sdkProvider(exporterFor('proto', server), 'chat-app');
  build(spanMaker(provider));
  await provider.forceFlush();
  await provider.shutdown();
}

type SpanMaker = (
  name: string,
  attributes: Attributes,
  opts?: { parent?: ReturnType<SpanMaker>; error?: boolean; ms?: number },
) => {
  traceId: string;
  spanId: string;
  ctx: ReturnType<typeof context.active>;
};

function spanMaker(provider: BasicTracerProvider): SpanMaker {
  const tracer = provider.getTracer('test-app', '1.0.0');
  return (name, attributes, opts = {}) => {
    const parentCtx = opts.parent ? opts.parent.ctx : context.active();
    const startTime = Date.now() - (opts.ms ?? 100);
    const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes, startTime }, parentCtx);
    if (opts.error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
    span.end(startTime + (opts.ms ?? 100));
    return { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, ctx: trace.setSpan(parentCtx, span) };
  };
}

const chat = (model: string, input: number, output: number, extra: Attributes = {}): Attributes => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': model,
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
  ...extra,
});

describe('GenAI content events over OTLP logs', () => {
  it.each([
    ['proto', 'otlp-http'],
    ['json', 'main'],
    ['grpc', 'grpc'],
  ] as const)('attaches events sent with the %s log exporter (%s port) to their span’s call', async (kind, _port) => {
    const server = await start();
    let ids = { traceId: '', spanId: '' };
    const provider = sdkProvider(exporterFor('proto', server), 'chat-app');
    const make = spanMaker(provider);
    const call = make('chat gpt-4o-mini', chat('gpt-4o-mini', 12, 4));
    ids = { traceId: call.traceId, spanId: call.spanId };
    await provider.forceFlush();
    const logs = logProvider(
      logExporterFor(kind as ExporterKind, { otlpHttp: kind === 'json' ? server.api : server.otlpHttp, grpc: server.grpc }),
      'chat-app',
    );
    const logger = logs.getLogger('@opentelemetry/instrumentation-openai');
    logger.emit({
      context: call.ctx,
      eventName: 'gen_ai.system.message',
      body: { content: 'Answer in <b>one</b> word.' },
      severityNumber: SeverityNumber.INFO,
    });
    logger.emit({ context: call.ctx, eventName: 'gen_ai.user.message', body: { content: 'Capital of France?' } });
    logger.emit({
      context: call.ctx,
      eventName: 'gen_ai.choice',
      body: { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Paris' } },
    });
    await logs.forceFlush();
    await logs.shutdown();
    await provider.shutdown();

    const { status, body } = await getJson(server.api, `/api/llm-calls/${ids.spanId}`);
    expect(status).toBe(200);
    expect(body.input_messages).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Answer in <b>one</b> word.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Capital of France?' }] },
    ]);
    expect(body.output_messages).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Paris' }], finish_reason: 'stop' }]);
    expect(body.provenance.input_messages.rule).toMatch(/log events/);

    const { body: stored } = await getJson(server.api, `/api/logs?trace_id=${ids.traceId}`);
    expect(stored.data.map((l: { event_name: string }) => l.event_name)).toEqual([
      'gen_ai.system.message',
      'gen_ai.user.message',
      'gen_ai.choice',
    ]);
    expect(stored.data[0]).toMatchObject({ span_id: ids.spanId, severity_number: 9, body: { content: 'Answer in <b>one</b> word.' } });
    const { body: health } = await getJson(server.api, '/healthz');
    expect(health.ingest.committed_logs).toBe(3);
  });

  it('answers /v1/logs like /v1/traces: unsupported type, undecodable body, invalid records, empty request', async () => {
    const server = await start();
    const post = (body: string | Uint8Array, type: string, base = server.otlpHttp) =>
      fetch(`${base}/v1/logs`, { method: 'POST', headers: { 'Content-Type': type }, body });
    expect((await post('x', 'text/plain')).status).toBe(415);
    const bad = await post('{"resourceLogs": 3}', 'application/json', server.api);
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.message).toMatch(/resourceLogs/);
    expect((await post(Uint8Array.from([0x0a, 0xff]), 'application/x-protobuf')).status).toBe(400);
    expect((await post('{}', 'application/json')).status).toBe(200);
    const partial = await post(
      JSON.stringify({
        resourceLogs: [
          { scopeLogs: [{ logRecords: [{ traceId: 'abcd', body: { stringValue: 'x' } }, { body: { stringValue: 'kept' } }] }] },
        ],
      }),
      'application/json',
    );
    expect(partial.status).toBe(200);
    expect(await partial.json()).toEqual({
      partialSuccess: { rejectedLogRecords: '1', errorMessage: expect.stringMatching(/trace_id must be empty or 16 bytes/) },
    });
  });
});

describe('LLM calls through the API', () => {
  it('counts a gateway’s span under the app’s span for the same call once', async () => {
    const server = await start();
    let ids: Record<string, string> = {};
    await emit(server, (make) => {
      const root = make('agent.run', { 'session.id': 'conv-1' }, { ms: 500 });
      const app = make('chat gpt-4o', chat('gpt-4o', 1000, 100, { 'gen_ai.conversation.id': 'conv-1', 'user.id': 'ann' }), {
        parent: root,
        ms: 400,
      });
      const http = make('POST /v1/chat/completions', { 'http.request.method': 'POST' }, { parent: app, ms: 380 });
      const gateway = make(
        'llm',
        {
          'plano.route.name': 'chat',
          'llm.model': 'gpt-4o-2024-08-06',
          'model.requested': 'gpt-4o',
          'llm.usage.prompt_tokens': 1000,
          'llm.usage.completion_tokens': 100,
        },
        { parent: http, ms: 350 },
      );
      ids = { trace: root.traceId, app: app.spanId, gateway: gateway.spanId };
    });
    const { body } = await getJson(server.api, `/api/llm-calls?trace_id=${ids.trace}&order_by=timestamp:asc`);
    expect(
      body.data.map((c: { span_id: string; counted: boolean; duplicate_of: string | null }) => [c.span_id, c.counted, c.duplicate_of]),
    ).toEqual([
      [ids.app, true, null],
      [ids.gateway, false, ids.app],
    ]);
    const { body: metrics } = await getJson(server.api, '/api/metrics');
    expect(metrics.total).toMatchObject({ calls: 1, input_tokens: 1000, output_tokens: 100 });
    const { body: traces } = await getJson(server.api, '/api/traces');
    expect(traces.data[0]).toMatchObject({ llm_call_count: 1, input_tokens: 1000, session_id: 'conv-1', user_id: 'ann' });
    expect(traces.data[0].cost_usd).toBeCloseTo(1000 * 2.5e-6 + 100 * 10e-6, 10);
  });

  it('filters, orders and pages calls, and shows sessions as conversations', async () => {
    const server = await start();
    const ids: Record<string, string> = {};
    await emit(server, (make) => {
      ids.a = make('chat', chat('gpt-4o-mini', 100, 10, { 'gen_ai.conversation.id': 's-1', 'user.id': 'ann', tenant: 'acme' }), {
        ms: 200,
      }).spanId;
      ids.b = make('chat', chat('gpt-4o', 2000, 500, { 'gen_ai.conversation.id': 's-1', 'user.id': 'bob' }), { ms: 3000 }).spanId;
      ids.c = make('chat', chat('claude-sonnet-4-5', 10, 0, { 'gen_ai.provider.name': 'anthropic', 'gen_ai.conversation.id': 's-2' }), {
        ms: 50,
        error: true,
      }).spanId;
    });
    const list = async (q: string) =>
      (await getJson(server.api, `/api/llm-calls?${q}`)).body.data.map((c: { span_id: string }) => c.span_id);
    expect(await list('provider=anthropic')).toEqual([ids.c]);
    expect(await list('model=gpt-4o')).toEqual([ids.b]);
    expect(await list('status=error')).toEqual([ids.c]);
    expect(await list('min_cost_usd=0.001')).toEqual([ids.b]);
    expect(await list('min_duration_ms=1000')).toEqual([ids.b]);
    expect(await list('session_id=s-1&order_by=cost:asc')).toEqual([ids.a, ids.b]);
    expect(await list('user_id=ann')).toEqual([ids.a]);
    expect(await list('attr.tenant=eq:acme')).toEqual([ids.a]);
    expect(await list('resource.service.name=chat-app&order_by=duration')).toEqual([ids.b, ids.a, ids.c]);
    const first = await getJson(server.api, '/api/llm-calls?limit=2&order_by=total_tokens');
    const second = await getJson(server.api, `/api/llm-calls?limit=2&order_by=total_tokens&cursor=${first.body.next_cursor}`);
    expect([...first.body.data, ...second.body.data].map((c: { span_id: string }) => c.span_id)).toEqual([ids.b, ids.a, ids.c]);
    expect(second.body.next_cursor).toBeNull();

    const { body: sessions } = await getJson(server.api, '/api/sessions?order_by=call_count');
    expect(
      sessions.data.map((s: { session_id: string; call_count: number; users: string[] }) => [s.session_id, s.call_count, s.users]),
    ).toEqual([
      ['s-1', 2, ['ann', 'bob']],
      ['s-2', 1, []],
    ]);
    expect(sessions.data[0]).toMatchObject({ trace_count: 2, input_tokens: 2100, output_tokens: 510 });
    expect((await getJson(server.api, '/api/sessions?user_id=bob')).body.data).toHaveLength(1);
    const { status, body: conversation } = await getJson(server.api, '/api/sessions/s-1');
    expect(status).toBe(200);
    expect(conversation.session.session_id).toBe('s-1');
    expect(conversation.traces).toHaveLength(2);
    expect(conversation.calls.map((c: { span_id: string }) => c.span_id)).toEqual([ids.b, ids.a]);
    expect((await getJson(server.api, '/api/sessions/nope')).status).toBe(404);
    expect((await getJson(server.api, `/api/llm-calls/${'0'.repeat(15)}1`)).status).toBe(404);

    const { body: byDay } = await getJson(server.api, '/api/metrics?group_by=day');
    expect(byDay.group_by).toBe('day');
    expect(byDay.data[0].key).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00(\.0+)?Z$/);
    const { body: byProvider } = await getJson(server.api, '/api/metrics?group_by=provider&start=1h');
    expect(byProvider.data.map((r: { key: string; calls: number; errors: number }) => [r.key, r.calls, r.errors])).toEqual([
      ['openai', 2, 0],
      ['anthropic', 1, 1],
    ]);
    expect(byProvider.total.error_rate).toBeCloseTo(1 / 3, 10);
    expect(byProvider.total.latency_ms.p99).toBeGreaterThan(2900);
  });

  it.each([
    ['/api/llm-calls?order_by=price', 'order_by'],
    ['/api/llm-calls?status=failed', 'status'],
    ['/api/llm-calls?min_cost_usd=-1', 'min_cost_usd'],
    ['/api/llm-calls?trace_id=xyz', 'trace_id'],
    ['/api/llm-calls?limit=0', 'limit'],
    ['/api/llm-calls?cursor=bogus', 'cursor'],
    ['/api/llm-calls?colour=red', 'colour'],
    ['/api/metrics?group_by=color', 'group_by'],
    ['/api/metrics?start=yesterday', 'start'],
    ['/api/sessions?order_by=name', 'order_by'],
    ['/api/sessions?label.a%20b=x', 'label.a b'],
    ['/api/logs', 'trace_id'],
    ['/api/logs?trace_id=abc', 'trace_id'],
    ['/api/llm-calls/not-hex', 'span_id'],
  ])('answers %s with 400 naming "%s"', async (path, name) => {
    const server = await start({ storage: new MemoryStorage() });
    const { status, body } = await getJson(server.api, path);
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_argument');
    expect(body.error.message).toContain(`"${name}"`);
  });

  it('stores spans only when LLM calls are turned off', async () => {
    const server = await start({ llmCalls: false });
    await emit(server, (make) => {
      make('chat', chat('gpt-4o-mini', 1, 1));
    });
    expect((await getJson(server.api, '/api/traces')).body.data).toHaveLength(1);
    expect((await getJson(server.api, '/api/llm-calls')).body.data).toEqual([]);
  });
});

describe('prices', () => {
  it('prices with a user’s override file, and reprices stored calls when it changes', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sightline-prices-'));
    made.push(folder);
    const file = join(folder, 'prices.yaml');
    writeFileSync(file, '# my negotiated prices (USD per 1M tokens)\n- model: gpt-4o-mini\n  input: 1\n  output: 2\n');
    const server = await start({ pricesFile: file });
    await emit(server, (make) => {
      make('chat', chat('gpt-4o-mini', 1_000_000, 1_000_000));
      make('chat', chat('gpt-4o', 1_000_000, 0));
    });
    const costs = async () =>
      (await getJson(server.api, '/api/llm-calls?order_by=cost')).body.data.map((c: { cost_usd: number; cost_source: string }) => [
        c.cost_usd,
        c.cost_source,
      ]);
    expect(await costs()).toEqual([
      [3, 'override'],
      [2.5, 'table'],
    ]);

    writeFileSync(file, 'gpt-4o-mini: {input: 0.5, output: 0.5}\ngpt-4o: {input: 1, output: 1}\n');
    const res = await fetch(`${server.api}/api/admin/recompute-costs`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      calls: 2,
      changed: 2,
      prices: { overrides: { file, models: 2 }, builtin: { as_of: '2026-07-24' } },
    });
    expect(await costs()).toEqual([
      [1, 'override'],
      [1, 'override'],
    ]);
    expect((await getJson(server.api, '/api/metrics')).body.total.cost_usd).toBeCloseTo(2, 10);

    writeFileSync(file, '- model: gpt-4o\n  input: cheap\n');
    const refused = await fetch(`${server.api}/api/admin/recompute-costs`, { method: 'POST' });
    expect(refused.status).toBe(400);
    expect((await json(refused)).error.message).toMatch(/prices\.yaml: entry 1 \("gpt-4o"\): "input" must be a number/);
    expect(await costs()).toEqual([
      [1, 'override'],
      [1, 'override'],
    ]);
  });
});
