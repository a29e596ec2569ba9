import { describe, expect, it } from 'vitest';
import { MOCK_ANSWER } from '../../../../testing/mock-openai.js';
import { getJson } from '../support/test-server.js';
import { lastJsonLine, OPENAI_PRICES, pythonFrom, pythonScript, run, useMockAndServer } from './python-app.js';

const SCRIPT = pythonScript('emit_langchain.py');
const PYTHON = pythonFrom('SIGHTLINE_PYTHON_LANGCHAIN', 'langchain-requirements.txt');

type Call = Record<string, any>;

const PRICE = OPENAI_PRICES;
const LANGCHAIN_SCOPE = 'openinference.instrumentation.langchain';
const OPENAI_SCOPE = 'openinference.instrumentation.openai';
const SEEN = {
  chat: MOCK_ANSWER,
  stream: MOCK_ANSWER,
  stream_usage: { input_tokens: 24, output_tokens: 8, total_tokens: 32 },
  tool: [['get_weather', { city: 'Paris' }]],
  embedding: 3,
  // langchain-openai 1.x re-raises openai.RateLimitError as its subclass OpenAIRateLimitError.
  error: 'OpenAIRateLimitError',
};

const env = useMockAndServer();

interface Run {
  calls: Call[];
  seen: Record<string, unknown>;
  /** Span id → the span as /api/traces gives it, for every trace the calls are in. */
  spans: Map<string, Call>;
  service: string;
}

/** Runs the LangChain app under its own service name; returns its calls (oldest first) and their spans. */
async function langchainRun(service: string, flags: string[]): Promise<Run> {
  const { stdout } = await run(PYTHON, [SCRIPT, '--endpoint', env.sl.otlpHttp, '--openai', env.mock.url, '--service', service, ...flags], {
    timeout: 60_000,
  });
  const seen = lastJsonLine(stdout);
  const calls = (await getJson(env.sl.api, `/api/llm-calls?service=${service}&order_by=timestamp:asc&limit=100`)).body.data as Call[];
  const spans = new Map<string, Call>();
  for (const traceId of new Set(calls.map((c) => c.trace_id))) {
    const { body } = await getJson(env.sl.api, `/api/traces/${traceId}`);
    for (const s of body.spans as Call[]) spans.set(s.span_id, s);
  }
  return { calls, seen, spans, service };
}

const scopeOf = (r: Run, c: Call) => r.spans.get(c.span_id)?.scope.name;
/** A call's start and end in ns since the epoch (the API gives ns-precise ISO timestamps). */
function interval(c: Call): [bigint, bigint] {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(c.timestamp) as RegExpExecArray;
  const start = BigInt(Date.parse(`${m[1]}Z`)) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0').slice(0, 9));
  return [start, start + BigInt(Math.round(c.duration_ms * 1e6))];
}

const chatInput = [
  { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
  { role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] },
];

/**
 * What a user expects of each real model request, whichever instrumentation's copy counts it.
 */
function expectModelRequests([chat, streamed, tool, failed]: Call[]) {
  expect(chat).toMatchObject({
    operation: 'chat',
    provider: 'openai',
    request_model: 'gpt-4o-mini',
    model: 'gpt-4o-mini-2024-07-18',
    is_streaming: false,
    input_tokens: 24,
    output_tokens: 8,
    total_tokens: 32,
    cache_read_tokens: 0,
    reasoning_tokens: 0,
    ttft_ms: null,
    finish_reasons: ['stop'],
    is_error: false,
    cost_source: 'table',
    input_messages: chatInput,
    output_messages: [{ role: 'assistant', parts: [{ type: 'text', content: MOCK_ANSWER }] }],
  });
  expect(chat?.parameters).toMatchObject({ temperature: 0.2 });
  // llm.invocation_parameters of a LangChain span also holds LangChain's own bookkeeping
  // ("_type": "openai-chat", "model_name" repeating the model): not request parameters.
  expect(chat?.parameters).not.toHaveProperty('_type');
  expect(chat?.parameters).not.toHaveProperty('model_name');
  expect(chat?.cost_usd).toBeCloseTo(24 * PRICE.mini.input + 8 * PRICE.mini.output, 12);

  // ChatOpenAI(stream_usage=True).stream(...): a streamed request; 16 of 24 input tokens cached.
  expect(streamed).toMatchObject({
    operation: 'chat',
    request_model: 'gpt-4o-mini',
    // The LangChain span's llm.model_name is the requested name here; the served one is in its
    // output.value (generation_info.model_name / response_metadata.model_name).
    model: 'gpt-4o-mini-2024-07-18',
    is_streaming: true,
    input_tokens: 24,
    output_tokens: 8,
    total_tokens: 32,
    cache_read_tokens: 16,
    finish_reasons: ['stop'],
    is_error: false,
    input_messages: [{ role: 'user', parts: [{ type: 'text', content: 'Capital of France? (cached)' }] }],
    output_messages: [{ role: 'assistant', parts: [{ type: 'text', content: MOCK_ANSWER }] }],
  });
  expect(streamed?.cost_usd).toBeCloseTo(8 * PRICE.mini.input + 16 * PRICE.mini.cached + 8 * PRICE.mini.output, 12);

  expect(tool).toMatchObject({
    operation: 'chat',
    request_model: 'gpt-4o',
    model: 'gpt-4o-2024-07-18',
    input_tokens: 24,
    output_tokens: 8,
    finish_reasons: ['tool_calls'],
    tool_call_count: 1,
    tool_calls: [{ id: 'call_abc', name: 'get_weather', arguments: { city: 'Paris' } }],
    input_messages: [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }],
  });
  expect(tool?.cost_usd).toBeCloseTo(24 * PRICE.gpt4o.input + 8 * PRICE.gpt4o.output, 12);

  expect(failed).toMatchObject({
    operation: 'chat',
    request_model: 'boom',
    is_error: true,
    status_code: 429,
    input_tokens: null,
    output_tokens: null,
    cost_usd: null,
    finish_reasons: null,
  });
  expect(failed?.error_type).toMatch(/RateLimitError$/);
  // The failed LangChain span has only llm.output_messages.0.message.role = "assistant": no answer.
  expect(failed?.output_messages ?? []).toEqual([]);

  for (const c of [chat, streamed, tool, failed]) expect(c).toMatchObject({ session_id: 'lc-session-1', user_id: 'lc-user-1' });
}

describe('LangChain ChatOpenAI traced by OpenInference (LangChainInstrumentor alone)', () => {
  it('gives one counted call per model request: served model, tokens with cached, streaming, tool call, session and user, the 429', async () => {
    const r = await langchainRun('langchain-app', []);
    expect(r.seen).toEqual(SEEN);
    // LangChain has no callbacks for embeddings, so the LangChain instrumentation records no
    // span for OpenAIEmbeddings.embed_query: four calls, not five.
    expect(r.calls.map((c) => [c.operation, c.request_model])).toEqual([
      ['chat', 'gpt-4o-mini'],
      ['chat', 'gpt-4o-mini'],
      ['chat', 'gpt-4o'],
      ['chat', 'boom'],
    ]);
    for (const c of r.calls) {
      expect(c).toMatchObject({ vocabulary: 'openinference', provider: 'openai', counted: true, duplicate_of: null, parent_span_id: null });
      expect(scopeOf(r, c)).toBe(LANGCHAIN_SCOPE);
    }
    // No app span around them: each ChatOpenAI call is the root of a trace of its own.
    expect(new Set(r.calls.map((c) => c.trace_id)).size).toBe(4);

    const [chat, streamed] = r.calls as [Call, Call];
    expectModelRequests(r.calls);
    // LangChain's first-token callback is not turned into a span event by the instrumentation:
    // no TTFT is sent, so none is expected.
    expect(streamed.ttft_ms).toBeNull();
    expect(chat.parameters).toEqual({ temperature: 0.2 });

    const { body: metrics } = await getJson(env.sl.api, `/api/metrics?group_by=model&service=${r.service}`);
    expect(metrics.total).toMatchObject({ calls: 4, errors: 1, unpriced_calls: 1, input_tokens: 72, cache_read_tokens: 16 });
  }, 60_000);
});

// The LangChain instrumentation never makes its span the current one, so the openai span of the
// same request is not its child. Inside an app span both are siblings under it (below). Without
// one, each is the root of a trace of its own, and both are counted: duplicates are found within
// a trace (a known limit, in the README).
describe('LangChain ChatOpenAI with both LangChainInstrumentor and OpenAIInstrumentor on one tracer provider', () => {
  describe('inside an app span: the LangChain span and the openai span are siblings under it', () => {
    it('counts each real model request exactly once, and the counted copy has what either copy knows', async () => {
      const r = await langchainRun('langchain-oai-root', ['--with-openai-instrumentor', '--root-span']);
      expect(r.seen).toEqual(SEEN);
      const lc = r.calls.filter((c) => scopeOf(r, c) === LANGCHAIN_SCOPE);
      const oai = r.calls.filter((c) => scopeOf(r, c) === OPENAI_SCOPE);
      expect(lc.length + oai.length).toBe(r.calls.length);
      expect(lc.map((c) => c.request_model)).toEqual(['gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o', 'boom']);
      expect(oai.map((c) => [c.operation, c.request_model])).toEqual([
        ['chat', 'gpt-4o-mini'],
        ['chat', 'gpt-4o-mini'],
        ['chat', 'gpt-4o'],
        ['embeddings', 'text-embedding-3-small'],
        ['chat', 'boom'],
      ]);
      const oaiChats = oai.filter((c) => c.operation === 'chat');
      const embed = oai.find((c) => c.operation === 'embeddings') as Call;

      // Both copies are children of the app span; in time, the openai span lies inside the LangChain span.
      expect(new Set(r.calls.map((c) => c.trace_id)).size).toBe(1);
      const parents = new Set(r.calls.map((c) => c.parent_span_id));
      expect(parents.size).toBe(1);
      expect(r.spans.get([...parents][0])?.name).toBe('answer');
      for (const [i, outer] of lc.entries()) {
        const [os, oe] = interval(outer);
        const [is, ie] = interval(oaiChats[i] as Call);
        expect(os <= is && ie <= oe).toBe(true);
      }

      // One counted copy per request, the other pointing at it.
      const counted = lc.map((l, i) => {
        const o = oaiChats[i] as Call;
        const [keep, drop] = l.counted ? [l, o] : [o, l];
        return { keep, drop };
      });
      for (const { keep, drop } of counted) {
        expect([keep.counted, drop.counted]).toEqual([true, false]);
        expect(drop.duplicate_of).toBe(keep.span_id);
      }
      expect(r.calls.filter((c) => c.counted)).toHaveLength(5);
      expectModelRequests(counted.map((p) => p.keep));

      // The mock sends its first chunk after 40 ms; the openai span's "First Token Stream Event"
      // says when it came.
      const streamed = counted[1]?.keep as Call;
      expect(streamed.ttft_ms ?? 0).toBeGreaterThanOrEqual(35);
      expect(streamed.ttft_ms ?? Number.POSITIVE_INFINITY).toBeLessThan(streamed.duration_ms);

      // The embedding is recorded by the openai instrumentation only.
      expect(embed).toMatchObject({
        model: 'text-embedding-3-small',
        input_tokens: 5,
        output_tokens: null,
        total_tokens: 5,
        counted: true,
        session_id: 'lc-session-1',
        user_id: 'lc-user-1',
      });
      expect(embed.cost_usd).toBeCloseTo(5 * 0.02e-6, 14);

      const { body: metrics } = await getJson(env.sl.api, `/api/metrics?group_by=model&service=${r.service}`);
      expect(metrics.total).toMatchObject({ calls: 5, errors: 1, unpriced_calls: 1, input_tokens: 77, cache_read_tokens: 16 });
    }, 60_000);
  });
});
