import { describe, expect, it } from 'vitest';
import { MOCK_ANSWER } from '../../../../testing/mock-openai.js';
import { getJson } from '../support/test-server.js';
import { lastJsonLine, OPENAI_PRICES, pythonFrom, pythonScript, run, useMockAndServer } from './python-app.js';

const PYTHON = pythonFrom('SIGHTLINE_PYTHON_PYDANTIC', 'pydantic-requirements.txt');

type Call = Record<string, any>;
type Span = Record<string, any>;

const PRICE = OPENAI_PRICES;
const CHAT_COST = 24 * PRICE.mini.input + 8 * PRICE.mini.output;
const STREAM_COST = 8 * PRICE.mini.input + 16 * PRICE.mini.cached + 8 * PRICE.mini.output;
const TOOL_COST = 24 * PRICE.gpt4o.input + 8 * PRICE.gpt4o.output;

const env = useMockAndServer();

/** Runs one of the apps against Sightline's OTLP/HTTP endpoint; returns its calls (by service name) and what it saw. */
async function appCalls(file: string, endpoint: string, service: string): Promise<{ calls: Call[]; seen: Record<string, unknown> }> {
  const { stdout } = await run(PYTHON, [pythonScript(file), '--endpoint', endpoint, '--openai', env.mock.url, '--service', service], {
    timeout: 60_000,
  });
  const seen = lastJsonLine(stdout);
  const { body } = await getJson(env.sl.api, `/api/llm-calls?order_by=timestamp:asc&limit=100&service=${service}`);
  return { calls: body.data as Call[], seen };
}

async function traceOf(traceId: string): Promise<{ trace: Call; spans: Span[] }> {
  return (await getJson(env.sl.api, `/api/traces/${traceId}`)).body;
}

const userText = (text: string) => ({ role: 'user', parts: [{ type: 'text', content: text }] });
const ANSWER_OUT = [{ role: 'assistant', parts: [{ type: 'text', content: MOCK_ANSWER }] }];
const TOOL_CALL = { id: 'call_abc', name: 'get_weather', arguments: { city: 'Paris' } };

describe('Logfire (configure(send_to_logfire=False) + OTLP exporter, instrument_openai) over OTLP/HTTP on the main port', () => {
  it('gives one counted call per OpenAI request: tokens from gen_ai.usage.raw, the streamed call whole, the failure, its own cost', async () => {
    const { calls: all, seen } = await appCalls('emit_logfire.py', env.sl.api, 'logfire-app');
    expect(seen).toEqual({ chat: MOCK_ANSWER, stream: MOCK_ANSWER, tool: 'get_weather', embedding: 3, error: 'RateLimitError' });

    // Six records of five requests: the streamed request has its request span and Logfire's
    // "streaming response from … took …s" log. Exactly one of the two counts.
    expect(all).toHaveLength(6);
    const calls = all.filter((c) => c.counted);
    const uncounted = all.filter((c) => !c.counted);
    expect(calls.map((c) => [c.operation, c.request_model, c.model])).toEqual([
      ['chat', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18'],
      ['chat', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18'],
      ['chat', 'gpt-4o', 'gpt-4o-2024-07-18'],
      ['embeddings', 'text-embedding-3-small', 'text-embedding-3-small'],
      ['chat', 'boom', 'boom'],
    ]);
    const [chat, streamed, tool, embed, failed] = calls as [Call, Call, Call, Call, Call];
    expect(uncounted).toHaveLength(1);
    expect(uncounted[0]).toMatchObject({ request_model: 'gpt-4o-mini', duplicate_of: streamed.span_id });

    for (const c of calls)
      expect(c).toMatchObject({ vocabulary: 'otel-genai', provider: 'openai', session_id: 'lf-session-1', user_id: 'lf-user-1' });

    // The app's `answer` span is the root of one trace, and not a call.
    expect(new Set(all.map((c) => c.trace_id)).size).toBe(1);
    const { trace, spans } = await traceOf(chat.trace_id);
    expect(trace).toMatchObject({
      llm_call_count: 5,
      input_tokens: 77,
      output_tokens: 24,
      session_id: 'lf-session-1',
      user_id: 'lf-user-1',
    });
    expect(spans.map((s) => s.name).sort()).toEqual([
      'Chat Completion with {request_data[model]!r}',
      'Chat Completion with {request_data[model]!r}',
      'Chat Completion with {request_data[model]!r}',
      'Chat Completion with {request_data[model]!r}',
      'Embedding Creation with {request_data[model]!r}',
      'answer',
      'streaming response from {request_data[model]!r} took {duration:.2f}s',
    ]);
    for (const s of spans.filter((s) => s.name !== 'answer')) expect(s.scope).toMatchObject({ name: 'logfire.openai', version: '5.4.0' });

    expect(chat).toMatchObject({
      input_tokens: 24,
      output_tokens: 8,
      total_tokens: 32,
      // Logfire sets no cache/reasoning keys for these; they are in `gen_ai.usage.raw` (the provider's usage JSON).
      cache_read_tokens: 0,
      reasoning_tokens: 0,
      // The request span of a non-streamed call does not say it was not streamed (semconv v2 keeps only the model in request_data).
      is_streaming: null,
      ttft_ms: null,
      finish_reasons: ['stop'],
      parameters: { temperature: 0.2 },
      is_error: false,
      input_messages: [
        { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
        userText('What is the capital of France?'),
      ],
      output_messages: [{ ...ANSWER_OUT[0], finish_reason: 'stop' }],
    });
    expect(chat.cost_usd).toBeCloseTo(CHAT_COST, 12);
    // Logfire prices the call itself (`operation.cost`, USD): a cost the source reports is kept as such.
    expect(chat.cost_source).toBe('source');
    expect(chat.source_cost_usd).toBeCloseTo(CHAT_COST, 12);

    // The streamed call: its request span ends when the stream opens (at the mock's first chunk,
    // 40 ms in); the end-of-stream log comes when the app has read the stream, and its
    // `duration` counts only the reading. The log is the copy that counts (it has the usage and
    // the answer): the call is placed at the log and lasts its `duration` (the time to the
    // response headers, in the request span, is not added).
    const request = spans.find((s) => s.kind === 'client' && String(s.attributes['gen_ai.input.messages']).includes('(cached)')) as Span;
    const streamEnd = spans.find((s) => s.attributes['logfire.span_type'] === 'log') as Span;
    expect(request.duration_ms).toBeGreaterThanOrEqual(35);
    expect(streamEnd.attributes.duration * 1000).toBeLessThan(request.duration_ms);
    expect(streamed).toMatchObject({
      input_tokens: 24,
      output_tokens: 8,
      total_tokens: 32,
      cache_read_tokens: 16,
      reasoning_tokens: 0,
      finish_reasons: ['stop'],
      input_messages: [userText('Capital of France? (cached)')],
      output_messages: [{ ...ANSWER_OUT[0], finish_reason: 'stop' }],
      // Logfire records no first-chunk time (the request span ends at the response headers, not the first token).
      ttft_ms: null,
      // Only a streamed response gets Logfire's end-of-stream log.
      is_streaming: true,
      timestamp: streamEnd.start_time,
    });
    expect(streamed.duration_ms).toBeCloseTo(streamEnd.attributes.duration * 1000, 6);
    expect(streamed.cost_usd).toBeCloseTo(STREAM_COST, 12);
    expect(streamed.source_cost_usd).toBeCloseTo(STREAM_COST, 12);

    expect(tool).toMatchObject({
      input_tokens: 24,
      output_tokens: 8,
      finish_reasons: ['tool_calls'],
      tool_call_count: 1,
      tool_calls: [TOOL_CALL],
      output_messages: [{ role: 'assistant', parts: [{ type: 'tool_call', ...TOOL_CALL }] }],
      // Logfire sent no `operation.cost` for this one.
      cost_source: 'table',
    });
    expect(tool.cost_usd).toBeCloseTo(TOOL_COST, 12);

    expect(embed).toMatchObject({ input_tokens: 5, output_tokens: null, total_tokens: 5 });
    expect(embed.cost_usd).toBeCloseTo(5 * 0.02e-6, 14);
    expect(embed.source_cost_usd).toBeCloseTo(5 * 0.02e-6, 14);

    expect(failed).toMatchObject({
      is_error: true,
      status_code: 429,
      input_tokens: null,
      output_tokens: null,
      cost_usd: null,
      input_messages: [userText('x')],
    });
    expect(failed.error_type).toMatch(/RateLimitError/);
  }, 60_000);
});

describe('pydantic-ai (Agent.instrument_all(), OpenAIChatModel at the mock) over OTLP/HTTP on the OTLP port', () => {
  it('gives one counted call per model request, none for agent runs and tools: tokens, TTFT, tool calls, the failure', async () => {
    const { calls, seen } = await appCalls('emit_pydantic_ai.py', env.sl.otlpHttp, 'pydantic-ai-app');
    expect(seen).toEqual({
      chat: MOCK_ANSWER,
      stream: MOCK_ANSWER,
      tool: ['get_weather'],
      tool_answer: MOCK_ANSWER,
      error: ['ModelRateLimitError', 429],
    });

    // Five model requests in four runs (the tool run asks the model twice); the `invoke_agent`
    // and `execute_tool` spans are not calls, and nothing is counted twice.
    expect(calls.map((c) => [c.operation, c.request_model, c.model])).toEqual([
      ['chat', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18'],
      ['chat', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18'],
      ['chat', 'gpt-4o', 'gpt-4o-2024-07-18'],
      ['chat', 'gpt-4o', 'gpt-4o-2024-07-18'],
      // No response, so no served model.
      ['chat', 'boom', null],
    ]);
    for (const c of calls)
      expect(c).toMatchObject({
        vocabulary: 'otel-genai',
        provider: 'openai',
        counted: true,
        duplicate_of: null,
        // `conversation_id` goes out as `gen_ai.conversation.id`; pydantic-ai has no user id
        // (the run's metadata is a JSON blob on the agent span only).
        session_id: 'pai-session-1',
        user_id: null,
      });
    const [chat, streamed, toolStep, answerStep, failed] = calls as [Call, Call, Call, Call, Call];
    const traces = [...new Set(calls.map((c) => c.trace_id))];
    expect(traces).toHaveLength(4);
    const summaries = await Promise.all(traces.map(traceOf));
    expect(summaries.map((t) => [t.trace.root_span_name, t.trace.llm_call_count])).toEqual([
      ['invoke_agent capitals', 1],
      ['invoke_agent capitals', 1],
      ['invoke_agent weather', 2],
      ['invoke_agent capitals', 1],
    ]);
    for (const t of summaries) for (const s of t.spans) expect(s.scope).toMatchObject({ name: 'pydantic-ai', version: '2.68.0' });
    expect(summaries[2]?.trace).toMatchObject({ input_tokens: 48, output_tokens: 16 });

    expect(chat).toMatchObject({
      input_tokens: 24,
      output_tokens: 8,
      total_tokens: 32,
      // pydantic-ai sends cache counts only when there are some.
      cache_read_tokens: null,
      reasoning_tokens: 0,
      // Nothing on a non-streamed request says it was not streamed.
      is_streaming: null,
      ttft_ms: null,
      finish_reasons: ['stop'],
      parameters: { temperature: 0.2 },
      is_error: false,
      input_messages: [
        { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
        userText('What is the capital of France?'),
      ],
      output_messages: [{ ...ANSWER_OUT[0], finish_reason: 'stop' }],
    });
    expect(chat.cost_usd).toBeCloseTo(CHAT_COST, 12);
    // pydantic-ai prices the request itself (`operation.cost`, USD, from genai-prices).
    expect(chat.cost_source).toBe('source');
    expect(chat.source_cost_usd).toBeCloseTo(CHAT_COST, 12);

    expect(streamed).toMatchObject({
      input_tokens: 24,
      output_tokens: 8,
      cache_read_tokens: 16,
      reasoning_tokens: 0,
      finish_reasons: ['stop'],
    });
    // pydantic-ai measures time to first chunk only on streamed requests.
    expect(streamed.is_streaming).toBe(true);
    // The mock sends its first chunk after 40 ms: `gen_ai.client.operation.time_to_first_chunk` (seconds).
    expect(streamed.ttft_ms).toBeGreaterThanOrEqual(35);
    expect(streamed.ttft_ms).toBeLessThan(streamed.duration_ms);
    expect(streamed.tpt_ms).toBeCloseTo((streamed.duration_ms - streamed.ttft_ms) / 8, 9);
    expect(streamed.cost_usd).toBeCloseTo(STREAM_COST, 12);
    expect(streamed.source_cost_usd).toBeCloseTo(STREAM_COST, 12);

    expect(toolStep).toMatchObject({
      input_tokens: 24,
      output_tokens: 8,
      finish_reasons: ['tool_calls'],
      tool_call_count: 1,
      tool_calls: [TOOL_CALL],
      input_messages: [userText('Weather in Paris?')],
    });
    expect(toolStep.cost_usd).toBeCloseTo(TOOL_COST, 12);
    expect(answerStep).toMatchObject({
      finish_reasons: ['stop'],
      tool_call_count: null,
      input_messages: [
        userText('Weather in Paris?'),
        { role: 'assistant', parts: [{ type: 'tool_call', ...TOOL_CALL }] },
        { role: 'user', parts: [{ type: 'tool_call_response', id: 'call_abc', response: 'Sunny in Paris' }] },
      ],
      output_messages: [{ ...ANSWER_OUT[0], finish_reason: 'stop' }],
    });
    expect(answerStep.cost_usd).toBeCloseTo(TOOL_COST, 12);

    // The span status and exception say "status_code: 429, model_name: boom, …".
    expect(failed.status_code).toBe(429);
    expect(failed).toMatchObject({
      is_error: true,
      input_tokens: null,
      output_tokens: null,
      cost_usd: null,
      // pydantic-ai writes the request's messages on the chat span only when the model answered.
      input_messages: null,
    });
    expect(failed.error_type).toMatch(/ModelRateLimitError/);
  }, 60_000);
});
