import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOCK_ANSWER, type MockOpenAi, OPENAI_SCRIPT_CALLS, startMockOpenAi } from '../../../../testing/mock-openai.js';
import { getJson, startTestServer, type TestServer } from '../support/test-server.js';
import { lastJsonLine, OPENAI_PRICES, pythonFrom, pythonScript, run } from './python-app.js';

const SCRIPT = pythonScript('emit_calls.py');
const PYTHON = pythonFrom('SIGHTLINE_PYTHON', 'requirements.txt');

type Call = Record<string, any>;

/** Runs the Python app against a fresh Sightline and returns the calls Sightline derived. */
async function pythonCalls(
  instrumentation: string,
  exporter: 'http' | 'grpc',
): Promise<{ calls: Call[]; seen: Record<string, unknown>; sl: TestServer }> {
  const sl = await startTestServer();
  const endpoint = exporter === 'http' ? sl.otlpHttp : `http://${sl.grpc}`;
  const { stdout } = await run(PYTHON, [
    SCRIPT,
    '--instrumentation',
    instrumentation,
    '--exporter',
    exporter,
    '--endpoint',
    endpoint,
    '--openai',
    mock.url,
    '--service',
    `python-${instrumentation}`,
  ]);
  const seen = lastJsonLine(stdout);
  const calls = (await getJson(sl.api, '/api/llm-calls?order_by=timestamp:asc')).body.data as Call[];
  return { calls, seen, sl };
}

let mock: MockOpenAi;
beforeAll(async () => {
  mock = await startMockOpenAi();
});
afterAll(() => mock?.close());

const PRICE = OPENAI_PRICES;

describe.each(['http', 'grpc'] as const)('Python clients over OTLP/%s', (exporter) => {
  describe.each([
    // OpenInference measures time to first token from its "First Token Stream Event".
    { instrumentation: 'openinference', vocabulary: 'openinference', streamTtft: true },
    { instrumentation: 'openllmetry', vocabulary: 'openllmetry', streamTtft: false },
  ])('openai + $instrumentation', ({ instrumentation, vocabulary, streamTtft }) => {
    it('derives one call per client call: tokens, cached tokens, served model, TTFT where measured, tool calls, the failure, cost', async () => {
      const { calls, seen, sl } = await pythonCalls(instrumentation, exporter);
      try {
        expect(seen).toEqual({ chat: MOCK_ANSWER, stream: MOCK_ANSWER, tool: 'get_weather', embedding: 3, error: 'RateLimitError' });
        expect(calls.map((c) => [c.operation, c.request_model])).toEqual(OPENAI_SCRIPT_CALLS);
        const [chat, streamed, tool, embed, failed] = calls as [Call, Call, Call, Call, Call];
        for (const c of calls)
          expect(c).toMatchObject({ vocabulary, provider: 'openai', service_name: `python-${instrumentation}`, counted: true });
        expect(new Set(calls.map((c) => c.trace_id)).size).toBe(1);

        expect(chat).toMatchObject({
          model: 'gpt-4o-mini-2024-07-18',
          input_tokens: 24,
          output_tokens: 8,
          total_tokens: 32,
          cache_read_tokens: 0,
          ttft_ms: null,
          finish_reasons: ['stop'],
          parameters: { temperature: 0.2 },
          is_error: false,
          input_messages: [
            { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
            { role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] },
          ],
        });
        expect(chat.output_messages[0].parts).toEqual([{ type: 'text', content: MOCK_ANSWER }]);
        expect(chat.cost_usd).toBeCloseTo(24 * PRICE.mini.input + 8 * PRICE.mini.output, 12);

        // Streamed, with usage in the last chunk; 16 of the 24 input tokens were cached.
        expect(streamed).toMatchObject({ is_streaming: true, input_tokens: 24, output_tokens: 8, cache_read_tokens: 16 });
        expect(streamed.cost_usd).toBeCloseTo(8 * PRICE.mini.input + 16 * PRICE.mini.cached + 8 * PRICE.mini.output, 12);
        if (streamTtft) {
          // The mock server sends its first chunk after 40 ms.
          expect(streamed.ttft_ms).toBeGreaterThanOrEqual(35);
          expect(streamed.ttft_ms).toBeLessThan(streamed.duration_ms);
          expect(streamed.tpt_ms).toBeCloseTo((streamed.duration_ms - streamed.ttft_ms) / 8, 9);
          expect(streamed.tokens_per_s).toBeCloseTo(8 / ((streamed.duration_ms - streamed.ttft_ms) / 1000), 6);
        } else {
          // No TTFT: time per token is taken over the whole call.
          expect(streamed.ttft_ms).toBeNull();
          expect(streamed.tpt_ms).toBeCloseTo(streamed.duration_ms / 8, 9);
          expect(streamed.tokens_per_s).toBeCloseTo(8 / (streamed.duration_ms / 1000), 6);
        }

        expect(tool).toMatchObject({
          model: 'gpt-4o-2024-07-18',
          finish_reasons: ['tool_calls'],
          tool_call_count: 1,
          tool_calls: [{ id: 'call_abc', name: 'get_weather', arguments: { city: 'Paris' } }],
        });
        expect(tool.cost_usd).toBeCloseTo(24 * PRICE.gpt4o.input + 8 * PRICE.gpt4o.output, 12);

        expect(embed).toMatchObject({ model: 'text-embedding-3-small', input_tokens: 5, output_tokens: null, total_tokens: 5 });
        expect(embed.cost_usd).toBeCloseTo(5 * 0.02e-6, 14);

        expect(failed).toMatchObject({ is_error: true, input_tokens: null, output_tokens: null, cost_usd: null, cost_source: null });
        expect(failed.error_type).toMatch(/RateLimitError/);
        // The mock server answered 429, and every instrumentation's failed span says so somewhere.
        expect(failed.status_code).toBe(429);

        const { body: metrics } = await getJson(sl.api, '/api/metrics?group_by=model');
        expect(metrics.total).toMatchObject({ calls: 5, errors: 1, unpriced_calls: 1, input_tokens: 77, cache_read_tokens: 16 });
      } finally {
        await sl.stop();
      }
    }, 60_000);
  });
});
