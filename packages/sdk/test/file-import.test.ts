import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runSightline } from '../../../apps/server/test/support/child-server.js';
import { getJson, startTestServer, type TestServer } from '../../../apps/server/test/support/test-server.js';
import { type MockGemini, startMockGemini } from '../../../testing/mock-gemini.js';
import { init, instrument, observe, withSession } from '../src/index.js';

/** A run saved with the file export, loaded later with `sightline import`: Sightline shows it as if it had been sent live. */
let sl: TestServer;
let mock: MockGemini;
const dir = mkdtempSync(join(tmpdir(), 'sightline-import-'));

beforeAll(async () => {
  [sl, mock] = await Promise.all([startTestServer(), startMockGemini()]);
});
afterAll(async () => {
  await Promise.all([sl.stop(), mock.close()]);
  rmSync(dir, { recursive: true, force: true });
});

it('sightline import loads a file export: calls, session and trace tree as recorded', async () => {
  const sdk = init({ out: `${dir}/runs/`, serviceName: 'offline-eval', autoInstrument: false, labels: { suite: 'nightly' } });
  const ai = instrument(new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: mock.url } }));
  const evaluate = observe(
    async () => {
      await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Capital of France?' });
      await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'And of Spain?' });
    },
    { name: 'evaluate', kind: 'evaluator' },
  );
  await withSession({ sessionId: 'eval-7', name: 'Nightly eval', userId: 'ci' }, evaluate);
  const file = await sdk.flush();
  await sdk.shutdown();
  expect(file).toBe(join(dir, 'runs', 'eval-7.json'));

  const run = runSightline(['import', file as string, join(dir, 'missing.json'), '--url', sl.api]);
  expect((await run.exited).code).toBe(1);
  expect(run.stdout()).toContain(`Imported 3 spans in 1 traces from ${file}`);
  expect(run.stderr()).toContain(`cannot read ${join(dir, 'missing.json')}: ENOENT`);
  expect(run.stderr()).toContain('1 of 2 file(s) not imported');

  const calls = (await getJson(sl.api, '/api/llm-calls?service=offline-eval')).body.data;
  expect(calls).toHaveLength(2);
  for (const call of calls)
    expect(call).toMatchObject({ provider: 'gcp.gemini', input_tokens: 40, output_tokens: 14, session_id: 'eval-7', user_id: 'ci' });
  const session = (await getJson(sl.api, '/api/sessions/eval-7')).body.session;
  expect(session).toMatchObject({ call_count: 2, input_tokens: 80, name: 'Nightly eval', labels: { suite: 'nightly' } });
  const trace = (await getJson(sl.api, `/api/traces/${calls[0].trace_id}`)).body;
  const root = trace.spans.find((s: { name: string }) => s.name === 'evaluate');
  expect(trace.spans.filter((s: { parent_span_id: string }) => s.parent_span_id === root.span_id)).toHaveLength(2);
  expect(root.attributes['sightline.label.suite']).toBe('nightly');
});

it('sightline import sends a file larger than one request in batches of whole traces', async () => {
  const spans = Array.from({ length: 3000 }, (_, i) => ({
    trace_id: (Math.floor(i / 10) + 1).toString(16).padStart(32, '0'),
    span_id: (i + 1).toString(16).padStart(16, '0'),
    parent_span_id: i % 10 ? (i - (i % 10) + 1).toString(16).padStart(16, '0') : null,
    name: 'step',
    kind: 'internal',
    start_time_unix_nano: String(1_763_000_000_000_000_000n + BigInt(i)),
    end_time_unix_nano: String(1_763_000_000_000_000_000n + BigInt(i) + 1000n),
    attributes: { 'sightline.label.batch': 'big', payload: 'x'.repeat(3000) },
  }));
  const big = join(dir, 'big.json');
  writeFileSync(
    big,
    JSON.stringify({ format: 'sightline-export', version: 1, resource: { attributes: { 'service.name': 'big-run' } }, spans }),
  );
  const run = runSightline(['import', big, '--url', sl.api]);
  expect((await run.exited).code).toBe(0);
  expect(run.stdout()).toContain(`Imported 3000 spans in 300 traces from ${big}`);
  const traces = (await getJson(sl.api, '/api/traces?service=big-run&limit=1000')).body.data;
  expect(traces).toHaveLength(300);
  expect(traces.every((t: { span_count: number }) => t.span_count === 10)).toBe(true);
});

it('sightline import says what is wrong with a file that is not an export, and when no server answers', async () => {
  const other = join(dir, 'other.json');
  writeFileSync(other, JSON.stringify({ hello: 'world' }));
  const run = runSightline(['import', other, '--url', sl.api]);
  expect((await run.exited).code).toBe(1);
  expect(run.stderr()).toContain(`${other}: cannot import the document: format: expected "sightline-export"`);
  // An OTLP/JSON request is read too (here one with no spans).
  const otlp = join(dir, 'otlp.json');
  writeFileSync(otlp, JSON.stringify({ resourceSpans: [] }));
  const sent = runSightline(['import', otlp, '--url', sl.api]);
  expect((await sent.exited).code).toBe(0);
  expect(sent.stdout()).toContain(`Sent 0 spans (1 OTLP request) from ${otlp}`);

  const closed = await freePort();
  const down = runSightline(['import', other, '--url', `http://127.0.0.1:${closed}`]);
  expect((await down.exited).code).toBe(1);
  expect(down.stderr()).toContain(`no Sightline server answers at http://127.0.0.1:${closed} (ECONNREFUSED)`);
});

/** A port nothing listens on. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
