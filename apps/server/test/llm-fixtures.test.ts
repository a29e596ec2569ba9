import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { TRACE_SERVICE } from '../src/otlp/otlp-grpc.js';
import { type FixtureBody, fixtureBodies, postFixture } from './support/fixtures.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

/**
 * The recorded bodies of real instrumentations, sent through each receiver, read back as LLM
 * calls field by field. Prices: gpt-4o-mini $0.15 / $0.60, gpt-4o $2.50 / $10.00 and
 * text-embedding-3-small $0.02 per 1M tokens (the bodies are from November 2026).
 */

type Channel = 'otlp-http protobuf' | 'main port JSON' | 'gRPC';
const CHANNELS: Channel[] = ['otlp-http protobuf', 'main port JSON', 'gRPC'];

let sl: TestServer | null = null;
afterEach(async () => {
  await sl?.stop();
  sl = null;
});

async function send(set: 'openinference-js' | 'otel-genai-contrib', channel: Channel): Promise<TestServer> {
  sl = await startTestServer();
  const server = sl;
  if (channel === 'gRPC') {
    const Client = grpc.makeGenericClientConstructor(TRACE_SERVICE, 'TraceService');
    const client = new Client(server.grpc, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
      Export: (req: Buffer, cb: (err: grpc.ServiceError | null) => void) => void;
    };
    for (const f of fixtureBodies(set, 'proto'))
      await new Promise<void>((resolve, reject) => client.Export(f.body, (err) => (err ? reject(err) : resolve())));
    client.close();
  } else {
    const fixtures: FixtureBody[] = fixtureBodies(set, channel === 'otlp-http protobuf' ? 'proto' : 'json');
    for (const f of fixtures) expect((await postFixture(channel === 'main port JSON' ? server.api : server.otlpHttp, f)).status).toBe(200);
  }
  return server;
}

async function callsIn(server: TestServer): Promise<Record<string, unknown>[]> {
  const { status, body } = await getJson(server.api, '/api/llm-calls?order_by=timestamp:asc');
  expect(status).toBe(200);
  return body.data;
}

describe.each(CHANNELS)('LLM calls from @opentelemetry/instrumentation-openai bodies (%s)', (channel) => {
  it('reads every call field by field, prices it, and counts the failed call as an error', async () => {
    const server = await send('otel-genai-contrib', channel);
    const calls = await callsIn(server);
    expect(calls.map((c) => c.request_model)).toEqual(['gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small', 'boom']);
    const [chat, streamed, tool, embed, failed] = calls as [
      Record<string, any>,
      Record<string, any>,
      Record<string, any>,
      Record<string, any>,
      Record<string, any>,
    ];

    expect(chat).toMatchObject({
      vocabulary: 'otel-genai',
      provider: 'openai',
      host_provider: null,
      operation: 'chat',
      request_model: 'gpt-4o-mini',
      model: 'gpt-4o-mini-2024-07-18',
      request_id: 'chatcmpl-1',
      input_tokens: 24,
      output_tokens: 8,
      total_tokens: 32,
      cache_read_tokens: null,
      cache_write_tokens: null,
      reasoning_tokens: null,
      ttft_ms: null,
      finish_reasons: ['stop'],
      is_error: false,
      error_type: null,
      service_name: 'fixture-otel-contrib-app',
      parameters: { temperature: 0.2 },
      cost_source: 'table',
      counted: true,
      duplicate_of: null,
    });
    expect(chat.cost_usd).toBeCloseTo(24 * 0.15e-6 + 8 * 0.6e-6, 12);
    expect(chat.cost_breakdown).toMatchObject({ cache_read: null, cache_write: null, reasoning: null });
    expect(chat.cost_breakdown.input).toBeCloseTo(24 * 0.15e-6, 12);
    const { body: trace } = await getJson(server.api, `/api/traces/${chat.trace_id}`);
    expect(chat.duration_ms).toBe(trace.spans.find((x: { span_id: string }) => x.span_id === chat.span_id).duration_ms);
    expect(chat.timestamp).toBe(trace.spans.find((x: { span_id: string }) => x.span_id === chat.span_id).start_time);
    expect(chat.provenance.input_tokens).toEqual({ vocabulary: 'otel-genai', rule: 'gen_ai.usage.input_tokens' });
    expect(chat.provenance.provider.rule).toBe('gen_ai.system');
    // Not streamed, so no TTFT: time per token is taken over the whole call, and the rule says so.
    expect(chat.tpt_ms).toBeCloseTo(chat.duration_ms / 8, 9);
    expect(chat.tokens_per_s).toBeCloseTo(8 / (chat.duration_ms / 1000), 6);
    expect(chat.provenance.tpt_ms.rule).toMatch(/TTFT taken as 0/);
    expect(chat.price_model).toMatch(/^gpt-4o-mini/);

    // Streamed: the instrumentation records usage from the final chunk, and no TTFT and no cache counts.
    expect(streamed).toMatchObject({ input_tokens: 25, output_tokens: 7, total_tokens: 32, ttft_ms: null, cache_read_tokens: null });
    expect(streamed.cost_usd).toBeCloseTo(25 * 0.15e-6 + 7 * 0.6e-6, 12);

    expect(tool).toMatchObject({ model: 'gpt-4o-2024-07-18', input_tokens: 82, output_tokens: 17, finish_reasons: ['tool_calls'] });
    expect(tool.cost_usd).toBeCloseTo(82 * 2.5e-6 + 17 * 10e-6, 12);

    expect(embed).toMatchObject({ operation: 'embeddings', input_tokens: 5, output_tokens: null, total_tokens: 5 });
    expect(embed.cost_usd).toBeCloseTo(5 * 0.02e-6, 14);

    expect(failed).toMatchObject({
      is_error: true,
      error_type: 'RateLimitError',
      status_code: 429,
      input_tokens: null,
      output_tokens: null,
      cost_usd: null,
      cost_source: null,
      cost_breakdown: null,
    });

    const { body: traces } = await getJson(server.api, '/api/traces');
    expect(traces.data[0]).toMatchObject({ llm_call_count: 5, input_tokens: 136, output_tokens: 32, total_tokens: 168 });
    const { body: metrics } = await getJson(server.api, '/api/metrics?group_by=model');
    expect(metrics.total).toMatchObject({ calls: 5, errors: 1, unpriced_calls: 1, input_tokens: 136 });
    expect(metrics.data.map((r: { key: string }) => r.key)).toEqual([
      'gpt-4o-mini-2024-07-18',
      'boom',
      'gpt-4o-2024-07-18',
      'text-embedding-3-small',
    ]);
  });
});

describe.each(CHANNELS)('LLM calls from @arizeai/openinference-instrumentation-openai bodies (%s)', (channel) => {
  it('reads what OpenInference records, and leaves unknown what it does not', async () => {
    const server = await send('openinference-js', channel);
    const calls = (await callsIn(server)) as Record<string, any>[];
    type Call = Record<string, any>;
    // OpenInference records no span for the failed call.
    expect(calls).toHaveLength(4);
    const [chat, streamed, tool, embed] = calls as [Call, Call, Call, Call];
    expect(chat).toMatchObject({
      vocabulary: 'openinference',
      provider: 'openai',
      request_model: 'gpt-4o-mini',
      model: 'gpt-4o-mini-2024-07-18',
      operation: 'chat',
      input_tokens: 24,
      output_tokens: 8,
      total_tokens: 32,
      cache_read_tokens: 0,
      reasoning_tokens: 0,
      ttft_ms: null,
      finish_reasons: ['stop'],
      parameters: { temperature: 0.2 },
      input_messages: [
        { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] },
      ],
      output_messages: [{ role: 'assistant', parts: [{ type: 'text', content: 'The capital of France is Paris.' }] }],
      is_error: false,
    });
    expect(chat.cost_usd).toBeCloseTo(24 * 0.15e-6 + 8 * 0.6e-6, 12);
    expect(chat.provenance.model).toEqual({ vocabulary: 'openinference', rule: 'llm.model_name' });

    // Streamed: OpenInference's JS instrumentation records no usage and no first-token event here.
    expect(streamed).toMatchObject({
      is_streaming: true,
      input_tokens: null,
      output_tokens: null,
      total_tokens: null,
      ttft_ms: null,
      cost_usd: null,
      cost_source: null,
    });
    expect(streamed.output_messages[0].parts[0].content).toBe('Paris is the capital of France.');

    expect(tool).toMatchObject({
      request_model: 'gpt-4o',
      input_tokens: 82,
      output_tokens: 17,
      finish_reasons: ['tool_calls'],
      tool_call_count: 1,
      tool_calls: [{ id: 'call_abc', name: 'get_weather', arguments: { city: 'Paris' } }],
    });
    expect(embed).toMatchObject({ operation: 'embeddings', model: 'text-embedding-3-small', input_tokens: null, cost_usd: null });

    const { body: metrics } = await getJson(server.api, '/api/metrics');
    expect(metrics.total).toMatchObject({ calls: 4, errors: 0, unpriced_calls: 2, input_tokens: 106, output_tokens: 25 });
  });
});
