import { describe, expect, it } from 'vitest';
import { MOCK_ANSWER } from '../../../../testing/mock-openai.js';
import { getJson, json, makeKey, startTestServer } from '../support/test-server.js';
import { lastJsonLine, OPENAI_PRICES, pythonFrom, pythonScript, run, useMockAndServer } from './python-app.js';

const SCRIPT = pythonScript('emit_langfuse.py');
const PYTHON = pythonFrom('SIGHTLINE_PYTHON_LANGFUSE', 'langfuse-requirements.txt');

type Call = Record<string, any>;

const PRICE = OPENAI_PRICES;

const env = useMockAndServer();

/** Runs the Langfuse app with its host set to one of Sightline's ports; returns the new calls. */
async function langfuseCalls(host: string): Promise<{ calls: Call[]; seen: Record<string, unknown> }> {
  const before = new Set(((await getJson(env.sl.api, '/api/llm-calls')).body.data as Call[]).map((c) => c.trace_id));
  const { stdout } = await run(PYTHON, [SCRIPT, '--host', host, '--openai', env.mock.url], { timeout: 60_000 });
  const seen = lastJsonLine(stdout);
  const all = (await getJson(env.sl.api, '/api/llm-calls?order_by=timestamp:asc')).body.data as Call[];
  return { calls: all.filter((c) => !before.has(c.trace_id)), seen };
}

describe.each([
  ['the main port', () => env.sl.api],
  ['the OTLP/HTTP port', () => env.sl.otlpHttp],
])('the Langfuse Python SDK (langfuse.openai, @observe, propagate_attributes) with its host set to %s', (_port, host) => {
  it('gives one call per OpenAI call: served model, tokens with cached, finish reason, session and user, the failure', async () => {
    const { calls, seen } = await langfuseCalls(host());
    expect(seen).toEqual({ chat: MOCK_ANSWER, stream: MOCK_ANSWER, tool: 'get_weather', embedding: 3, error: 'RateLimitError' });
    expect(calls.map((c) => [c.operation, c.model])).toEqual([
      ['chat', 'gpt-4o-mini-2024-07-18'],
      ['chat', 'gpt-4o-mini-2024-07-18'],
      ['chat', 'gpt-4o-2024-07-18'],
      ['embeddings', 'text-embedding-3-small'],
      ['chat', 'boom'],
    ]);
    for (const c of calls) {
      expect(c).toMatchObject({
        vocabulary: 'langfuse',
        provider: 'openai',
        session_id: 'lf-session-1',
        user_id: 'lf-user-1',
        counted: true,
      });
    }
    // The @observe() function is the root span of the same trace, and not a call.
    expect(new Set(calls.map((c) => c.trace_id)).size).toBe(1);
    const { body: tree } = await getJson(env.sl.api, `/api/traces/${calls[0]?.trace_id}`);
    expect(tree.spans.map((s: Call) => s.name).sort()).toEqual([
      'OpenAI-embedding',
      'OpenAI-generation',
      'OpenAI-generation',
      'OpenAI-generation',
      'OpenAI-generation',
      'answer',
    ]);

    const [chat, streamed, tool, embed, failed] = calls as [Call, Call, Call, Call, Call];
    expect(chat).toMatchObject({
      // Langfuse keeps one model name, overwritten with the served one.
      request_model: 'gpt-4o-mini-2024-07-18',
      input_tokens: 24,
      output_tokens: 8,
      total_tokens: 32,
      cache_read_tokens: 0,
      reasoning_tokens: 0,
      is_streaming: null,
      ttft_ms: null,
      // The SDK records a finish reason only for streamed answers.
      finish_reasons: null,
      is_error: false,
      cost_source: 'table',
      input_messages: [
        { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] },
      ],
      output_messages: [{ role: 'assistant', parts: [{ type: 'text', content: MOCK_ANSWER }] }],
    });
    expect(chat.parameters).toMatchObject({ temperature: 0.2 });
    expect(chat.parameters).not.toHaveProperty('max_tokens');
    expect(chat.cost_usd).toBeCloseTo(24 * PRICE.mini.input + 8 * PRICE.mini.output, 12);

    // Streamed with usage in the last chunk: 16 of the 24 input tokens were cached.
    expect(streamed).toMatchObject({
      is_streaming: true,
      input_tokens: 24,
      output_tokens: 8,
      cache_read_tokens: 16,
      finish_reasons: ['stop'],
    });
    // The mock server sends its first chunk after 40 ms; Langfuse records when it came.
    expect(streamed.ttft_ms).toBeGreaterThanOrEqual(35);
    expect(streamed.ttft_ms).toBeLessThan(streamed.duration_ms);
    expect(streamed.cost_usd).toBeCloseTo(8 * PRICE.mini.input + 16 * PRICE.mini.cached + 8 * PRICE.mini.output, 12);

    expect(tool).toMatchObject({
      input_tokens: 24,
      output_tokens: 8,
      tool_call_count: 1,
      tool_calls: [{ id: 'call_abc', name: 'get_weather', arguments: { city: 'Paris' } }],
    });
    expect(tool.cost_usd).toBeCloseTo(24 * PRICE.gpt4o.input + 8 * PRICE.gpt4o.output, 12);

    expect(embed).toMatchObject({ input_tokens: 5, output_tokens: null, total_tokens: 5 });
    expect(embed.cost_usd).toBeCloseTo(5 * 0.02e-6, 14);

    expect(failed).toMatchObject({
      request_model: 'boom',
      is_error: true,
      error_type: 'RateLimitError',
      status_code: 429,
      input_tokens: null,
      output_tokens: null,
      // The SDK reports a failed call's cost itself: zero.
      cost_usd: 0,
      cost_source: 'source',
    });
  }, 60_000);
});

describe('the Langfuse Python SDK against a Sightline that requires keys', () => {
  it('sends its keys as Basic credentials: a Sightline key as the secret puts its calls in that key’s project', async () => {
    const adminKey = 'admin-key-of-the-langfuse-key-test';
    const secured = await startTestServer({ auth: 'on', adminKey });
    try {
      const { key } = await makeKey(secured.api, adminKey, 'lf-app');
      await run(PYTHON, [SCRIPT, '--host', secured.api, '--openai', env.mock.url, '--public-key', 'lf-app', '--secret-key', key], {
        timeout: 60_000,
      });
      const calls = await json(await fetch(`${secured.api}/api/llm-calls`, { headers: { authorization: `Bearer ${key}` } }));
      expect(calls.data).toHaveLength(5);
      expect(calls.data.every((c: Call) => c.vocabulary === 'langfuse')).toBe(true);
      // Its own pk-lf/sk-lf pair is not a key here: nothing of it is stored anywhere.
      await run(PYTHON, [SCRIPT, '--host', secured.api, '--openai', env.mock.url], { timeout: 60_000 });
      const everywhere = await json(await fetch(`${secured.api}/api/llm-calls`, { headers: { authorization: `Bearer ${adminKey}` } }));
      expect(everywhere.data).toEqual([]);
    } finally {
      await secured.stop();
    }
  });
});
