import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type MockOpenAi, startMockOpenAi } from '../../../testing/mock-openai.js';

/**
 * "The SDK never hurts the app": a real app process (the built package, as an app loads it)
 * whose collector is down, refuses with 503, or never answers still exits 0, within the export
 * timeout plus a margin for a slow machine; flush()/shutdown() reject with an Error naming the
 * endpoint, and an invalid SIGHTLINE_LABEL_* variable is a warning, not a crash.
 */
const root = fileURLToPath(new URL('../../..', import.meta.url));
const MARGIN_MS = 5_000;
let openai: MockOpenAi;

beforeAll(async () => {
  openai = await startMockOpenAi();
});
afterAll(() => openai.close());

/** The README's pattern: init(), an instrumented client, then flush() and shutdown() at exit. */
const app = (ending: 'flush-and-shutdown' | 'shutdown' | 'nothing') => `
const { init, observe } = require('@sightline/sdk');
const sdk = init({ serviceName: 'no-collector' });
const OpenAI = require('openai');
const client = new OpenAI({ baseURL: process.env.OPENAI_URL, apiKey: 'k', maxRetries: 0 });
const ask = observe((q) => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }] }), { name: 'ask' });
const outcome = (p) => p.then(() => null, (e) => ({ isError: e instanceof Error, message: e.message }));
(async () => {
  await ask('Hi');
  const result = {};
  if (${JSON.stringify(ending)} === 'flush-and-shutdown') result.flush = await outcome(sdk.flush());
  if (${JSON.stringify(ending)} !== 'nothing') result.shutdown = await outcome(sdk.shutdown());
  console.log(JSON.stringify(result));
})();`;

interface Run {
  code: number | null;
  ms: number;
  stderr: string;
  result: Record<string, { isError: boolean; message: string } | null>;
}

function run(code: string, env: Record<string, string>): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, ['-e', code], { cwd: root, env: { ...process.env, OPENAI_URL: openai.url, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exit) => resolve({ code: exit, ms: Date.now() - started, stderr, result: stdout.trim() ? JSON.parse(stdout) : {} }));
  });
}

/** A collector endpoint: `answer` handles each request (or leaves it hanging); null for a port where nothing listens. */
async function collector(answer: ((res: import('node:http').ServerResponse) => void) | null) {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    req.resume();
    answer?.(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!answer) await close();
  return { url, traces: `${url}/v1/traces`, requests: () => requests, close };
}

it('nothing listening, default timeout: flush() rejects naming the endpoint, the app exits 0, a bad label is a warning', async () => {
  const dead = await collector(null);
  const r = await run(app('flush-and-shutdown'), {
    SIGHTLINE_ENDPOINT: dead.url,
    'SIGHTLINE_LABEL_TEAM-A': 'x',
    SIGHTLINE_LABEL_REGION: 'eu',
  });
  expect(r.code, r.stderr).toBe(0);
  expect(r.ms).toBeLessThan(10_000 + MARGIN_MS); // the documented default export timeout
  expect(r.result.flush).toEqual({
    isError: true,
    message: expect.stringMatching(new RegExp(`^Sightline: could not export 2 spans to ${dead.traces}: connect ECONNREFUSED`)),
  });
  expect(r.result.shutdown).toBeNull();
  expect(r.stderr.match(/SIGHTLINE_LABEL_TEAM-A: label key "team-a" is invalid.*the variable is ignored/g)).toHaveLength(1);
});

it('an app that never calls flush() or shutdown() exits within the export timeout, with a warning', async () => {
  const dead = await collector(null);
  const r = await run(app('nothing'), { SIGHTLINE_ENDPOINT: dead.url, OTEL_EXPORTER_OTLP_TIMEOUT: '2000' });
  expect(r.code, r.stderr).toBe(0);
  expect(r.ms).toBeLessThan(2_000 + MARGIN_MS);
  expect(r.stderr).toContain(`Sightline: could not export 2 spans to ${dead.traces}: connect ECONNREFUSED`);
});

it('a collector answering 503 with Retry-After: retried within the timeout, then flush() rejects', async () => {
  const busy = await collector((res) => res.writeHead(503, { 'retry-after': '1' }).end());
  try {
    const r = await run(app('flush-and-shutdown'), { SIGHTLINE_ENDPOINT: busy.url, OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '3000' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.ms).toBeLessThan(3_000 + MARGIN_MS);
    expect(r.result.flush).toEqual({ isError: true, message: expect.stringContaining(`could not export 2 spans to ${busy.traces}: `) });
    expect(busy.requests()).toBeGreaterThanOrEqual(2);
  } finally {
    await busy.close();
  }
});

it('a collector that accepts and never answers: shutdown() rejects within the timeout', async () => {
  const silent = await collector(() => {});
  try {
    const r = await run(app('shutdown'), { SIGHTLINE_ENDPOINT: silent.url, OTEL_EXPORTER_OTLP_TIMEOUT: '2000' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.ms).toBeLessThan(2_000 + MARGIN_MS);
    expect(r.result.shutdown).toEqual({
      isError: true,
      message: expect.stringContaining(`could not export 2 spans to ${silent.traces}: `),
    });
  } finally {
    await silent.close();
  }
});
