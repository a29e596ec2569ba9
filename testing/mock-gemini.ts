import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Gemini API on 127.0.0.1, speaking its wire format:
 * `POST /v1/models/{model}:generateContent` (or `/v1beta/…`) answers with a fixed response (40 prompt tokens of
 * which 16 cached, 9 candidate and 5 thinking tokens), `:streamGenerateContent?alt=sse` sends it
 * as SSE chunks (the first text after `firstChunkDelayMs`, usage complete on the last),
 * `:batchEmbedContents` returns one 4-dimension vector per request; model `boom` gets HTTP 429
 * with Google's error body. A model name containing `tool` answers with a function call.
 */
export interface MockGemini {
  readonly url: string;
  /** The request bodies received, newest last. */
  readonly requests: { path: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

export const GEMINI_ANSWER = 'Paris is the capital of France.';
export const GEMINI_USAGE = {
  promptTokenCount: 40,
  cachedContentTokenCount: 16,
  candidatesTokenCount: 9,
  thoughtsTokenCount: 5,
  totalTokenCount: 54,
};

export async function startMockGemini(options: { firstChunkDelayMs?: number } = {}): Promise<MockGemini> {
  const delay = options.firstChunkDelayMs ?? 40;
  const requests: MockGemini['requests'] = [];
  const server = createServer((req, res) => {
    handle(req, res, delay, requests).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function candidate(model: string, text: string, finishReason?: string): Record<string, unknown> {
  const parts = model.includes('tool') ? [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] : [{ text }];
  return { content: { role: 'model', parts }, index: 0, ...(finishReason ? { finishReason } : {}) };
}

async function handle(req: IncomingMessage, res: ServerResponse, delay: number, requests: MockGemini['requests']): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  requests.push({ path, body });
  const send = (status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(value));
  };
  const match = /^\/v1(?:beta)?\/models\/([^:]+):(generateContent|streamGenerateContent|batchEmbedContents)$/.exec(path);
  if (!match || req.method !== 'POST')
    return send(404, { error: { code: 404, message: `no route for ${req.method} ${path}`, status: 'NOT_FOUND' } });
  const model = decodeURIComponent(match[1] as string);
  if (model === 'boom')
    return send(429, { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } });
  const modelVersion = `${model}-001`;
  switch (match[2]) {
    case 'batchEmbedContents': {
      const n = Array.isArray(body.requests) ? body.requests.length : 0;
      return send(200, { embeddings: Array.from({ length: n }, (_, i) => ({ values: [i, 0.25, -0.5, 1] })) });
    }
    case 'generateContent':
      return send(200, {
        candidates: [candidate(model, GEMINI_ANSWER, 'STOP')],
        usageMetadata: GEMINI_USAGE,
        modelVersion,
        responseId: 'resp_g1',
      });
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const event = (value: unknown) => res.write(`data: ${JSON.stringify(value)}\r\n\r\n`);
  await new Promise((r) => setTimeout(r, delay));
  // A function call comes whole, in one chunk.
  const words = model.includes('tool') ? [''] : GEMINI_ANSWER.split(/(?= )/);
  for (const [i, word] of words.entries()) {
    const last = i === words.length - 1;
    event({
      candidates: [candidate(model, word, last ? 'STOP' : undefined)],
      usageMetadata: last
        ? GEMINI_USAGE
        : { promptTokenCount: GEMINI_USAGE.promptTokenCount, totalTokenCount: GEMINI_USAGE.promptTokenCount },
      modelVersion,
      responseId: 'resp_g2',
    });
    await new Promise((r) => setTimeout(r, 2));
  }
  res.end();
}
