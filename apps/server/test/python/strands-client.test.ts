import { describe, expect, it } from 'vitest';
import { MOCK_ANSWER } from '../../../../testing/mock-openai.js';
import { getJson } from '../support/test-server.js';
import { lastJsonLine, OPENAI_PRICES, pythonFrom, pythonScript, run, useMockAndServer } from './python-app.js';

const SCRIPT = pythonScript('emit_strands.py');
const PYTHON = pythonFrom('SIGHTLINE_PYTHON_STRANDS', 'strands-requirements.txt');

type Call = Record<string, any>;

const PRICE = OPENAI_PRICES;
const TOOL_CALL = { id: 'call_abc', name: 'get_weather', arguments: { city: 'Paris' } };

const env = useMockAndServer();

/** Runs the Strands app with the given semconv opt-in, under its own service name; returns its calls. */
async function strandsCalls(optIn: string, service: string): Promise<{ calls: Call[]; seen: Record<string, unknown>; requests: number }> {
  const before = env.mock.requests.length;
  const { stdout } = await run(PYTHON, [SCRIPT, '--endpoint', env.sl.otlpHttp, '--openai', env.mock.url], {
    timeout: 60_000,
    env: { ...process.env, OTEL_SERVICE_NAME: service, OTEL_SEMCONV_STABILITY_OPT_IN: optIn },
  });
  const seen = lastJsonLine(stdout);
  const calls = (await getJson(env.sl.api, `/api/llm-calls?service=${service}&order_by=timestamp:asc&limit=100`)).body.data as Call[];
  return { calls, seen, requests: env.mock.requests.length - before };
}

describe.each([
  // Strands' default: the OTel GenAI v1.36 form, content in gen_ai.{system,user,assistant,tool}.message
  // and gen_ai.choice span events, gen_ai.system="strands-agents".
  { mode: 'default (v1.36 events)', optIn: '', service: 'strands-default' },
  // Latest conventions: gen_ai.provider.name="strands-agents", content in span events
  // gen_ai.client.inference.operation.details (one per attribute).
  { mode: 'gen_ai_latest_experimental', optIn: 'gen_ai_latest_experimental', service: 'strands-latest' },
  // Latest conventions with the content as span attributes gen_ai.input.messages / gen_ai.output.messages.
  {
    mode: 'gen_ai_latest_experimental + gen_ai_span_attributes_only',
    optIn: 'gen_ai_latest_experimental,gen_ai_span_attributes_only',
    service: 'strands-attributes',
  },
])('Strands Agents (StrandsTelemetry OTLP exporter, OpenAIModel), semconv $mode', ({ optIn, service }) => {
  it('gives one counted call per model request: tokens with cached, TTFT in ms, finish reasons, tool calls, messages, session and user, the 429', async () => {
    const { calls, seen, requests } = await strandsCalls(optIn, service);
    // The mock answers every request offering tools with the tool call, also the one carrying the
    // tool result: the app caps the tool agent at 2 turns (limits={"turns": 2}).
    expect(seen).toEqual({
      chat: MOCK_ANSWER,
      chat_stop: 'end_turn',
      stream: MOCK_ANSWER,
      tool: ['Paris', 'Paris'],
      tool_stop: 'limit_turns',
      error: 'ModelThrottledException',
    });
    expect(requests).toBe(5);

    // Only the model invocation spans ("chat") are calls: not invoke_agent, execute_event_loop_cycle
    // or execute_tool, although invoke_agent repeats the usage of its chat spans.
    expect(calls.map((c) => [c.operation, c.request_model])).toEqual([
      ['chat', 'gpt-4o-mini'],
      ['chat', 'gpt-4o-mini'],
      ['chat', 'gpt-4o'],
      ['chat', 'gpt-4o'],
      ['chat', 'boom'],
    ]);
    for (const c of calls) {
      expect(c).toMatchObject({
        vocabulary: 'otel-genai',
        service_name: service,
        // Strands records no response model, no stream flag and no reasoning tokens.
        model: null,
        is_streaming: null,
        reasoning_tokens: null,
        session_id: 'strands-session-1',
        user_id: 'strands-user-1',
        counted: true,
        duplicate_of: null,
      });
    }
    const traceIds = [...new Set(calls.map((c) => c.trace_id))];
    expect(traceIds).toHaveLength(4);
    for (const id of traceIds) {
      const { body } = await getJson(env.sl.api, `/api/traces/${id}`);
      const chatSpans = (body.spans as Call[]).filter((s) => s.name === 'chat').map((s) => s.span_id);
      expect(calls.filter((c) => c.trace_id === id).map((c) => c.span_id)).toEqual(chatSpans);
      expect((body.spans as Call[]).every((s) => s.scope.name === 'strands.telemetry.tracer')).toBe(true);
    }
    // The tool agent's trace: two model calls, not four (invoke_agent's summed usage is not counted).
    const { body: toolTrace } = await getJson(env.sl.api, `/api/traces/${calls[2]?.trace_id}`);
    expect(toolTrace.trace).toMatchObject({ llm_call_count: 2, input_tokens: 48, output_tokens: 16, total_tokens: 64 });
    expect((toolTrace.spans as Call[]).map((s) => s.name).sort()).toEqual([
      'chat',
      'chat',
      'execute_event_loop_cycle',
      'execute_event_loop_cycle',
      'execute_tool get_weather',
      'execute_tool get_weather',
      'invoke_agent Strands Agents',
    ]);

    const [chat, streamed, tool1, tool2, failed] = calls as [Call, Call, Call, Call, Call];
    expect(chat).toMatchObject({
      // gen_ai.system / gen_ai.provider.name say "strands-agents": the provider comes from the model.
      provider: 'openai',
      input_tokens: 24,
      output_tokens: 8,
      total_tokens: 32,
      cache_read_tokens: 0,
      finish_reasons: ['stop'],
      tool_calls: null,
      is_error: false,
      cost_source: 'table',
      input_messages: [
        { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] },
      ],
      output_messages: [{ role: 'assistant', parts: [{ type: 'text', content: MOCK_ANSWER }] }],
    });
    expect(chat.provenance.provider.rule).toBe('derived: vendor of model "gpt-4o-mini"');
    // Strands records no request parameters (temperature 0.2 was sent to the model, not to the span).
    expect(chat.parameters).toEqual({});
    // Not streamed (stream=False), yet Strands writes its time to first byte, the whole response
    // time, in gen_ai.server.time_to_first_token (ms): nothing on the span tells it apart.
    expect(chat.ttft_ms).toBeGreaterThan(0);
    expect(chat.ttft_ms).toBeLessThanOrEqual(chat.duration_ms);
    expect(chat.cost_usd).toBeCloseTo(24 * PRICE.mini.input + 8 * PRICE.mini.output, 12);

    // Streamed with usage in the last chunk: 16 of the 24 input tokens cached. The mock sends its
    // first chunk after 40 ms; Strands writes it in milliseconds (not seconds).
    expect(streamed).toMatchObject({
      provider: 'openai',
      input_tokens: 24,
      output_tokens: 8,
      total_tokens: 32,
      cache_read_tokens: 16,
      finish_reasons: ['stop'],
      input_messages: [{ role: 'user', parts: [{ type: 'text', content: 'Capital of France? (cached)' }] }],
      output_messages: [{ role: 'assistant', parts: [{ type: 'text', content: MOCK_ANSWER }] }],
    });
    expect(streamed.ttft_ms).toBeGreaterThanOrEqual(35);
    expect(streamed.ttft_ms).toBeLessThan(streamed.duration_ms);
    expect(streamed.provenance.ttft_ms.rule).toMatch(/^gen_ai\.server\.time_to_first_token \(ms: Strands Agents/);
    expect(streamed.tpt_ms).toBeCloseTo((streamed.duration_ms - streamed.ttft_ms) / 8, 9);
    expect(streamed.cost_usd).toBeCloseTo(8 * PRICE.mini.input + 16 * PRICE.mini.cached + 8 * PRICE.mini.output, 12);

    // Both tool turns: the model asked for get_weather each time.
    for (const tool of [tool1, tool2]) {
      expect(tool).toMatchObject({
        provider: 'openai',
        input_tokens: 24,
        output_tokens: 8,
        total_tokens: 32,
        finish_reasons: ['tool_calls'],
        tool_call_count: 1,
        tool_calls: [TOOL_CALL],
        output_messages: [{ role: 'assistant', parts: [{ type: 'tool_call', ...TOOL_CALL }] }],
      });
      expect(tool.cost_usd).toBeCloseTo(24 * PRICE.gpt4o.input + 8 * PRICE.gpt4o.output, 12);
    }
    expect(tool1.input_messages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]);
    // The second request carries the tool call and its result.
    expect(tool2.input_messages).toHaveLength(3);
    expect(tool2.input_messages?.slice(0, 2)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', ...TOOL_CALL }] },
    ]);
    expect(tool2.input_messages?.[2]).toMatchObject({ parts: [{ type: 'tool_call_response', id: 'call_abc' }] });
    expect(['tool', 'user']).toContain(tool2.input_messages?.[2]?.role);
    expect(JSON.stringify(tool2.input_messages?.[2]?.parts[0]?.response) ?? '').toContain('Sunny, 21 C in Paris.');

    expect(failed).toMatchObject({
      // Strands names only itself, "boom" is no known model and no server address is sent:
      // nothing names the provider.
      provider: null,
      host_provider: null,
      is_error: true,
      status_code: 429,
      input_tokens: null,
      output_tokens: null,
      ttft_ms: null,
      finish_reasons: null,
      cost_usd: null,
      cost_source: null,
      input_messages: [{ role: 'user', parts: [{ type: 'text', content: 'x' }] }],
    });
    expect(failed.error_type).toMatch(/ModelThrottledException/);

    const { body: metrics } = await getJson(env.sl.api, `/api/metrics?group_by=model&service=${service}`);
    expect(metrics.total).toMatchObject({
      calls: 5,
      errors: 1,
      unpriced_calls: 1,
      input_tokens: 96,
      output_tokens: 32,
      cache_read_tokens: 16,
    });
  }, 60_000);
});
