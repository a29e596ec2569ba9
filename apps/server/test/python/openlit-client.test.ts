import { describe, expect, it } from 'vitest';
import { MOCK_ANSWER } from '../../../../testing/mock-openai.js';
import { getJson } from '../support/test-server.js';
import { lastJsonLine, OPENAI_PRICES, pythonFrom, pythonScript, run, useMockAndServer } from './python-app.js';

const SCRIPT = pythonScript('emit_openlit.py');
const PYTHON = pythonFrom('SIGHTLINE_PYTHON_OPENLIT', 'openlit-requirements.txt');

type Call = Record<string, any>;
type Span = Record<string, any>;

const PRICE = OPENAI_PRICES;

const env = useMockAndServer();

/** Runs the OpenLIT app with `otlp_endpoint` set to one of Sightline's ports; returns the new calls and their trace's spans. */
async function openlitCalls(
  endpoint: string,
): Promise<{ calls: Call[]; spans: Span[]; seen: Record<string, unknown>; stderr: string; since: string }> {
  const since = new Date().toISOString();
  const before = new Set(((await getJson(env.sl.api, '/api/llm-calls')).body.data as Call[]).map((c) => c.trace_id));
  const { stdout, stderr } = await run(PYTHON, [SCRIPT, '--endpoint', endpoint, '--openai', env.mock.url], { timeout: 60_000 });
  const seen = lastJsonLine(stdout);
  const all = (await getJson(env.sl.api, '/api/llm-calls?order_by=timestamp:asc')).body.data as Call[];
  const calls = all.filter((c) => !before.has(c.trace_id));
  const spans = calls.length ? ((await getJson(env.sl.api, `/api/traces/${calls[0]?.trace_id}`)).body.spans as Span[]) : [];
  return { calls, spans, seen, stderr, since };
}

describe.each([
  ['the main port', () => env.sl.api],
  ['the OTLP/HTTP port', () => env.sl.otlpHttp],
])('OpenLIT (openlit.init, @openlit.trace, using_attributes) with otlp_endpoint set to %s', (_port, endpoint) => {
  it('gives one call per OpenAI call: served model, tokens with cached, TTFT in ms, tool call, session and user, cost, the failure', async () => {
    const { calls, spans, seen, stderr, since } = await openlitCalls(endpoint());
    expect(seen).toEqual({ chat: MOCK_ANSWER, stream: MOCK_ANSWER, tool: 'get_weather', embedding: 3, error: 'RateLimitError' });
    // Nothing failed to export: traces, logs and metrics.
    expect(stderr).not.toMatch(/Failed to export/);

    // OpenLIT's GenAI metrics, by token type and model: the tokens of this run's calls (the
    // failed one used none). It exports at flush and at shutdown, the same cumulative totals twice.
    const { body: usage } = await getJson(
      env.sl.api,
      `/api/otel-metrics?name=gen_ai.client.token.usage&group_by=gen_ai.token.type,gen_ai.request.model&attr.service.name=openlit-app&start=${since}`,
    );
    expect(usage).toMatchObject({ kind: 'histogram', unit: '{token}', value: 'increase' });
    expect(usage.groups.map((g: Call) => [g.key['gen_ai.token.type'], g.key['gen_ai.request.model'], g.value, g.count])).toEqual([
      ['input', 'gpt-4o-mini', 48, 2],
      ['input', 'gpt-4o', 24, 1],
      ['output', 'gpt-4o-mini', 16, 2],
      ['output', 'gpt-4o', 8, 1],
      ['input', 'text-embedding-3-small', 5, 1],
    ]);

    expect(calls.map((c) => [c.operation, c.request_model, c.model])).toEqual([
      ['chat', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18'],
      ['chat', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18'],
      ['chat', 'gpt-4o', 'gpt-4o-2024-07-18'],
      ['embeddings', 'text-embedding-3-small', 'text-embedding-3-small'],
      ['chat', 'boom', null],
    ]);
    for (const c of calls) {
      expect(c).toMatchObject({
        vocabulary: 'otel-genai',
        provider: 'openai',
        service_name: 'openlit-app',
        session_id: 'ol-session-1',
        user_id: 'ol-user-1',
        counted: true,
        duplicate_of: null,
      });
    }

    // One trace: the @openlit.trace function is its root and not a call; nor are the httpx
    // instrumentation's POST spans that openlit.init turns on as well.
    expect(new Set(calls.map((c) => c.trace_id)).size).toBe(1);
    expect(spans.map((s) => s.name).sort()).toEqual([
      'POST',
      'POST',
      'POST',
      'POST',
      'POST',
      'answer',
      'chat boom',
      'chat gpt-4o',
      'chat gpt-4o-mini',
      'chat gpt-4o-mini',
      'embeddings text-embedding-3-small',
    ]);
    const spanOf = (c: Call) => spans.find((s) => s.span_id === c.span_id) as Span;
    for (const c of calls) expect(spanOf(c).scope.name).toBe('openlit.instrumentation.openai');

    const [chat, streamed, tool, embed, failed] = calls as [Call, Call, Call, Call, Call];
    expect(chat).toMatchObject({
      request_id: 'chatcmpl-1',
      input_tokens: 24,
      output_tokens: 8,
      total_tokens: 32,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      // OpenLIT writes no reasoning-token attribute for Chat Completions (only for the Responses API).
      reasoning_tokens: null,
      is_streaming: false,
      // OpenLIT sets gen_ai.server.time_to_first_token on non-streamed calls too (= the whole
      // request's duration); a call that did not stream has no time to first token.
      ttft_ms: null,
      finish_reasons: ['stop'],
      is_error: false,
      // OpenLIT writes the system prompt both in gen_ai.system_instructions and, as the OpenAI
      // request had it, as the first of gen_ai.input.messages: it is one message.
      input_messages: [
        { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] },
      ],
      output_messages: [{ role: 'assistant', parts: [{ type: 'text', content: MOCK_ANSWER }], finish_reason: 'stop' }],
    });
    expect(chat.parameters).toMatchObject({ temperature: 0.2 });
    // OpenLIT writes gen_ai.request.user = "" when the request named no user: that is no parameter.
    expect(chat.parameters).not.toHaveProperty('user');
    // OpenLIT reports its own cost (gen_ai.usage.cost, from the pricing_json the app gives it).
    const miniCost = 24 * PRICE.mini.input + 8 * PRICE.mini.output;
    expect(spanOf(chat).attributes['gen_ai.usage.cost']).toBeCloseTo(miniCost, 12);
    expect(chat.cost_usd).toBeCloseTo(miniCost, 12);
    expect(chat).toMatchObject({ cost_source: 'source' });
    expect(chat.source_cost_usd).toBeCloseTo(miniCost, 12);

    // Streamed with usage in the last chunk: 16 of the 24 input tokens were cached.
    expect(streamed).toMatchObject({
      request_id: 'chatcmpl-s1',
      is_streaming: true,
      input_tokens: 24,
      output_tokens: 8,
      total_tokens: 32,
      cache_read_tokens: 16,
      finish_reasons: ['stop'],
      input_messages: [{ role: 'user', parts: [{ type: 'text', content: 'Capital of France? (cached)' }] }],
      output_messages: [{ role: 'assistant', parts: [{ type: 'text', content: MOCK_ANSWER }], finish_reason: 'stop' }],
    });
    // OpenLIT writes TTFT in seconds; Sightline keeps milliseconds. OpenLIT starts its clock when
    // the client hands it the stream, i.e. after the response headers, which the mock sends with
    // its first chunk (40 ms in): so its TTFT does not include those 40 ms, and nothing on the
    // span says when the request went out. The right value given what was sent is OpenLIT's, in ms.
    const rawTtft = spanOf(streamed).attributes['gen_ai.server.time_to_first_token'] as number;
    expect(rawTtft).toBeGreaterThan(0);
    expect(rawTtft).toBeLessThan(1);
    expect(streamed.ttft_ms).toBeCloseTo(rawTtft * 1000, 6);
    expect(streamed.ttft_ms).toBeLessThan(streamed.duration_ms);
    expect(streamed.provenance.ttft_ms.rule).toMatch(/^gen_ai\.server\.time_to_first_token \(s: OpenLIT/);
    const streamCost = 8 * PRICE.mini.input + 16 * PRICE.mini.cached + 8 * PRICE.mini.output;
    expect(streamed.cost_usd).toBeCloseTo(streamCost, 12);
    expect(streamed.source_cost_usd).toBeCloseTo(streamCost, 12);

    expect(tool).toMatchObject({
      request_id: 'chatcmpl-tool1',
      input_tokens: 24,
      output_tokens: 8,
      is_streaming: false,
      ttft_ms: null,
      finish_reasons: ['tool_calls'],
      tool_call_count: 1,
      tool_calls: [{ id: 'call_abc', name: 'get_weather', arguments: { city: 'Paris' } }],
      input_messages: [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }],
    });
    // The app's price list has no gpt-4o, so OpenLIT wrote gen_ai.usage.cost = 0 (as it does
    // for every model when it cannot download its list): unknown, not free. The table prices it.
    expect(spanOf(tool).attributes['gen_ai.usage.cost']).toBe(0);
    expect(tool).toMatchObject({ cost_source: 'table', source_cost_usd: null });
    expect(tool.cost_usd).toBeCloseTo(24 * PRICE.gpt4o.input + 8 * PRICE.gpt4o.output, 12);

    expect(embed).toMatchObject({
      input_tokens: 5,
      output_tokens: null,
      total_tokens: 5,
      is_streaming: false,
      ttft_ms: null,
      input_messages: [{ role: 'user', parts: [{ type: 'text', content: 'hello world' }] }],
      cost_source: 'source',
    });
    expect(embed.cost_usd).toBeCloseTo(5 * PRICE.embedSmall, 14);

    expect(failed).toMatchObject({
      request_model: 'boom',
      is_error: true,
      error_type: 'RateLimitError',
      status_code: 429,
      input_tokens: null,
      output_tokens: null,
      ttft_ms: null,
      // No tokens, no price for "boom": unpriced, not $0.
      cost_usd: null,
    });
  }, 60_000);
});
