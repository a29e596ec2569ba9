import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Anthropic's Messages API on 127.0.0.1, speaking its wire format: `POST
 * /v1/messages` answers with a fixed message (20 uncached input tokens, 100 read from and 30
 * written to the prompt cache, 12 output tokens), as SSE events when `stream` is set (the first
 * text delta after `firstChunkDelayMs`); HTTP 429 for model `boom`.
 */
export interface MockAnthropic {
  readonly url: string;
  close(): Promise<void>;
}

export const ANTHROPIC_ANSWER = 'Paris is the capital of France.';
const USAGE = { input_tokens: 20, cache_read_input_tokens: 100, cache_creation_input_tokens: 30, output_tokens: 12 };

export async function startMockAnthropic(options: { firstChunkDelayMs?: number } = {}): Promise<MockAnthropic> {
  const delay = options.firstChunkDelayMs ?? 40;
  const server = createServer((req, res) => {
    handle(req, res, delay).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, delay: number): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
  const send = (status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_a1' });
    res.end(JSON.stringify(value));
  };
  if (!(req.url ?? '').startsWith('/v1/messages'))
    return send(404, { type: 'error', error: { type: 'not_found_error', message: 'no route' } });
  if (body.model === 'boom')
    return send(429, { type: 'error', error: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit' } });
  const model = `${String(body.model)}-20250929`;
  if (!body.stream) {
    return send(200, {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text: ANTHROPIC_ANSWER }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: USAGE,
    });
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': 'req_a2' });
  const event = (type: string, data: Record<string, unknown>) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  event('message_start', {
    message: {
      id: 'msg_2',
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...USAGE, output_tokens: 1 },
    },
  });
  event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  await new Promise((r) => setTimeout(r, delay));
  for (const word of ANTHROPIC_ANSWER.split(/(?= )/)) {
    event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: word } });
    await new Promise((r) => setTimeout(r, 2));
  }
  event('content_block_stop', { index: 0 });
  event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: USAGE.output_tokens } });
  event('message_stop', {});
  res.end();
}
