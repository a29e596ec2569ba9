import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExporterKind, emitAgentTrace, exporterFor, sdkProvider } from './support/otel-clients.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer;
beforeAll(async () => {
  sl = await startTestServer();
});
afterAll(() => sl.stop());

describe.each<[ExporterKind, boolean]>([
  ['proto', false],
  ['json', false],
  ['grpc', false],
  ['proto', true],
  ['json', true],
  ['grpc', true],
])('the official OpenTelemetry JS SDK with the %s exporter (gzip: %s)', (kind, gzip) => {
  it('stores every span with everything it carried, readable through the API', async () => {
    const provider = sdkProvider(exporterFor(kind, sl, gzip), `svc-${kind}`);
    const ids = emitAgentTrace(provider, `${kind}-${gzip}`);
    await provider.forceFlush();
    await provider.shutdown();

    const { status, body } = await getJson(sl.api, `/api/traces/${ids.traceId}`);
    expect(status).toBe(200);
    expect(body.trace).toMatchObject({
      trace_id: ids.traceId,
      root_span_id: ids.rootSpanId,
      root_span_name: `agent.run ${kind}-${gzip}`,
      root_is_complete: true,
      service_name: `svc-${kind}`,
      span_count: 3,
      error_count: 1,
      project: 'default',
    });
    expect(body.trace.duration_ms).toBeGreaterThanOrEqual(0);
    const byName = Object.fromEntries(body.spans.map((s: { name: string }) => [s.name, s]));
    const chat = byName['chat gpt-4o-mini'];
    expect(chat).toMatchObject({
      span_id: ids.chatSpanId,
      parent_span_id: ids.rootSpanId,
      kind: 'client',
      service_name: `svc-${kind}`,
      status: { code: 'error', message: '429 Too Many Requests' },
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 256,
        'gen_ai.usage.input_tokens': 24,
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.request.stream': false,
      },
      resource: { attributes: { 'service.name': `svc-${kind}`, 'service.version': '2.0.1', 'deployment.environment': 'test' } },
      scope: { name: '@example/agent', version: '1.2.3' },
      flags: 257,
    });
    expect(chat.start_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(chat.events.map((e: { name: string }) => e.name)).toEqual(['gen_ai.content.prompt', 'exception']);
    expect(chat.events[0].attributes['gen_ai.prompt']).toBe('[{"role":"user","content":"<script>alert(1)</script>"}]');
    expect(chat.events[1].attributes).toMatchObject({ 'exception.type': 'RateLimitError', 'exception.message': 'Rate limit reached' });
    const tool = byName['execute_tool get_weather'];
    expect(tool.status.code).toBe('ok');
    expect(tool.links).toEqual([
      {
        trace_id: ids.traceId,
        span_id: ids.rootSpanId,
        trace_state: '',
        attributes: { reason: 'same-run' },
        dropped_attributes_count: 0,
        flags: 257,
      },
    ]);
    expect(byName[`agent.run ${kind}-${gzip}`].kind).toBe('server');
  });
});

describe('many spans through each exporter', () => {
  it.each<ExporterKind>(['proto', 'json', 'grpc'])('stores all of 2,000 spans sent with %s, each once', async (kind) => {
    const provider = sdkProvider(exporterFor(kind, sl), `bulk-${kind}`);
    const tracer = provider.getTracer('bulk');
    const traceIds = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const span = tracer.startSpan(`op-${i}`, { attributes: { i, 'prompt.text': 'lorem ipsum '.repeat(20) } });
      traceIds.add(span.spanContext().traceId);
      span.end();
    }
    await provider.forceFlush();
    await provider.shutdown();
    let seen = 0;
    let cursor: string | null = null;
    do {
      const { body } = await getJson(sl.api, `/api/traces?service=bulk-${kind}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      seen += body.data.length;
      cursor = body.next_cursor;
    } while (cursor);
    expect(seen).toBe(2000);
    expect(traceIds.size).toBe(2000);
  });
});
