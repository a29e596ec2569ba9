import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureBodies, postFixture } from './support/fixtures.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

// A fresh server per test, so each recorded run is the only data there.
let sl: TestServer;
beforeEach(async () => {
  sl = await startTestServer();
});
afterEach(() => sl.stop());

async function onlyTrace() {
  const list = await getJson(sl.api, '/api/traces');
  expect(list.status).toBe(200);
  expect(list.body.data).toHaveLength(1);
  return (await getJson(sl.api, `/api/traces/${list.body.data[0].trace_id}`)).body;
}

describe('recorded bodies from @opentelemetry/instrumentation-openai', () => {
  it.each(['proto', 'json'] as const)('stores the %s run as one trace of six spans, the failed call an error', async (encoding) => {
    // Protobuf to the OTLP port, JSON to the main port: both receive OTLP/HTTP.
    const base = encoding === 'proto' ? sl.otlpHttp : sl.api;
    for (const f of fixtureBodies('otel-genai-contrib', encoding)) {
      const res = await postFixture(base, f);
      expect(res.status, f.name).toBe(200);
      expect(res.headers.get('content-type')).toContain(encoding === 'proto' ? 'application/x-protobuf' : 'application/json');
    }
    const trace = await onlyTrace();
    expect(trace.trace).toMatchObject({
      root_span_name: 'agent.run',
      service_name: 'fixture-otel-contrib-app',
      span_count: 6,
      error_count: 1,
      root_is_complete: true,
    });
    const names = trace.spans.map((s: { name: string }) => s.name);
    expect(names).toEqual([
      'agent.run',
      'chat gpt-4o-mini',
      'chat gpt-4o-mini',
      'chat gpt-4o',
      'embeddings text-embedding-3-small',
      'chat boom',
    ]);
    const [, chat, , tool, embed, failed] = trace.spans;
    expect(chat.attributes).toMatchObject({
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': 24,
      'gen_ai.usage.output_tokens': 8,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.request.temperature': 0.2,
    });
    expect(tool.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_calls']);
    expect(embed.attributes['gen_ai.usage.input_tokens']).toBe(5);
    expect(failed.status.code).toBe('error');
    for (const span of trace.spans.slice(1)) expect(span.parent_span_id).toBe(trace.spans[0].span_id);
  });
});

describe('recorded bodies from @arizeai/openinference-instrumentation-openai', () => {
  it.each(['proto', 'json'] as const)('stores the %s run as one trace of five spans with the flattened messages', async (encoding) => {
    for (const f of fixtureBodies('openinference-js', encoding)) expect((await postFixture(sl.otlpHttp, f)).status, f.name).toBe(200);
    const full = await onlyTrace();
    expect(full.trace).toMatchObject({
      root_span_name: 'agent.run',
      service_name: 'fixture-openinference-app',
      span_count: 5,
      error_count: 0,
    });
    const found = await getJson(sl.api, '/api/traces?attr.llm.model_name=eq:gpt-4o-2024-07-18');
    expect(found.body.data.map((t: { trace_id: string }) => t.trace_id)).toEqual([full.trace.trace_id]);
    const llm = full.spans.find((s: { attributes: Record<string, unknown> }) => s.attributes['llm.token_count.prompt'] === 24);
    expect(llm.attributes).toMatchObject({
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o-mini-2024-07-18',
      'llm.token_count.completion': 8,
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.1.message.role': 'user',
    });
  });
});

describe('a retried export', () => {
  it('stores each span once when the same body is sent again', async () => {
    const bodies = fixtureBodies('otel-genai-contrib', 'proto');
    for (const f of bodies) await postFixture(sl.api, f);
    for (const f of bodies) await postFixture(sl.api, f);
    const trace = await onlyTrace();
    expect(trace.trace.span_count).toBe(6);
    expect(trace.spans).toHaveLength(6);
  });
});
