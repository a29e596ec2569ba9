import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMockAnthropic } from './mock-anthropic.js';
import { startMockGemini } from './mock-gemini.js';
import { startMockOpenAi } from './mock-openai.js';

/**
 * The three mock providers (mock-openai.ts, mock-anthropic.ts, mock-gemini.ts) as one process,
 * for test suites that are not written in TypeScript (the Python SDK's): `npx tsx
 * testing/serve-mocks.ts` prints one JSON line once every mock listens, then runs until its
 * stdin closes or it gets SIGTERM / SIGINT. Closing stdin is the contract a parent relies on:
 * it reaches this process through npx and tsx, and happens even when the parent is killed.
 *
 * The line gives each mock's address as the official Python client takes it:
 * - `openai`: `openai.OpenAI(base_url=...)`, ends in `/v1`;
 * - `anthropic`: `anthropic.Anthropic(base_url=...)`, the bare host (the client adds `/v1/messages`);
 * - `gemini`: `genai.Client(http_options=types.HttpOptions(base_url=...))`, the bare host (the
 *   client adds its API version, `/v1/models/...` or `/v1beta/models/...`: the mock takes both);
 * - `requests`: GET returns `{"openai": [...], "gemini": [...]}`, what those mocks received
 *   (`{path, body}` in order; the Anthropic mock keeps no record); DELETE forgets them.
 */
const [openai, anthropic, gemini] = await Promise.all([startMockOpenAi(), startMockAnthropic(), startMockGemini()]);

const recorded = { openai: openai.requests, gemini: gemini.requests };
const requestLog: Server = createServer((req, res) => {
  if (req.method === 'DELETE') for (const list of Object.values(recorded)) list.length = 0;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(recorded));
});
await new Promise<void>((resolve) => requestLog.listen(0, '127.0.0.1', resolve));
const requestsUrl = `http://127.0.0.1:${(requestLog.address() as AddressInfo).port}/requests`;

process.stdout.write(`${JSON.stringify({ openai: openai.url, anthropic: anthropic.url, gemini: gemini.url, requests: requestsUrl })}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  requestLog.closeAllConnections();
  await Promise.all([openai.close(), anthropic.close(), gemini.close(), new Promise((r) => requestLog.close(r))]);
  process.exit(0);
}

process.stdin.on('end', stop).on('close', stop).resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
