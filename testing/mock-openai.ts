import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the OpenAI API on 127.0.0.1, speaking its wire format, so the official
 * clients (and the instrumentations wrapping them) run for real:
 *
 * - `POST /v1/chat/completions`: a fixed answer with usage (24 prompt tokens, 8 completion
 *   tokens, 16 of the prompt cached when the prompt mentions "cached"); a tool call when tools
 *   are offered; an SSE stream when `stream` is set (the first chunk after `firstChunkDelayMs`,
 *   usage in a last chunk when `stream_options.include_usage` is set); HTTP 429 for model `boom`.
 * - `POST /v1/embeddings`: a small vector, 5 prompt tokens per input.
 * - `POST /v1/responses`: the Responses API, the same answer and usage (input/output tokens),
 *   streamed as `response.*` events when `stream` is set; HTTP 429 for model `boom`.
 */
export interface MockOpenAi {
  readonly url: string;
  /** Requests received, in order. */
  readonly requests: { path: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

export const MOCK_ANSWER = 'The capital of France is Paris.';

export async function startMockOpenAi(options: { firstChunkDelayMs?: number } = {}): Promise<MockOpenAi> {
  const requests: MockOpenAi['requests'] = [];
  const server: Server = createServer((req, res) => {
    handle(req, res, requests, options.firstChunkDelayMs ?? 40).catch(() => {
      res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, requests: MockOpenAi['requests'], delay: number): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
  const path = (req.url ?? '').replace(/\?.*$/, '');
  requests.push({ path, body });
  const model = String(body.model ?? '');
  const send = (status: number, value: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(value);
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_${requests.length}`, ...headers });
    res.end(text);
  };
  if (path.endsWith('/embeddings')) {
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    send(200, {
      object: 'list',
      model,
      data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: [0.1, -0.2, 0.3] })),
      usage: { prompt_tokens: 5 * inputs.length, total_tokens: 5 * inputs.length },
    });
    return;
  }
  if (path.endsWith('/responses')) {
    await respond(res, body, model, delay, send);
    return;
  }
  if (!path.endsWith('/chat/completions')) {
    send(404, { error: { message: `no route ${path}`, type: 'invalid_request_error' } });
    return;
  }
  if (model === 'boom') {
    send(
      429,
      { error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
      { 'retry-after': '1' },
    );
    return;
  }
  if (!body.stream) {
    send(200, chatCompletion(body));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': `req_${requests.length}` });
  const [first, ...rest] = chatStreamFrames(body);
  await sleep(delay);
  const words = MOCK_ANSWER.split(/(?= )/).length;
  for (const [i, frame] of [first, ...rest].entries()) {
    res.write(frame);
    if (i >= 1 && i <= words) await sleep(2);
  }
  res.end();
}

function chatUsage(body: Record<string, unknown>) {
  return {
    prompt_tokens: 24,
    completion_tokens: 8,
    total_tokens: 32,
    prompt_tokens_details: { cached_tokens: JSON.stringify(body.messages ?? '').includes('cached') ? 16 : 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

/** The answer to a chat completion request: the fixed answer, or a tool call when tools are offered. */
export function chatCompletion(body: Record<string, unknown>): Record<string, unknown> {
  const withTools = Array.isArray(body.tools) && body.tools.length > 0;
  const toolCall = { id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
  return {
    id: withTools ? 'chatcmpl-tool1' : 'chatcmpl-1',
    object: 'chat.completion',
    created: 1_763_800_000,
    model: `${String(body.model ?? '')}-2024-07-18`,
    choices: [
      {
        index: 0,
        message: withTools ? { role: 'assistant', content: null, tool_calls: [toolCall] } : { role: 'assistant', content: MOCK_ANSWER },
        finish_reason: withTools ? 'tool_calls' : 'stop',
        logprobs: null,
      },
    ],
    usage: chatUsage(body),
  };
}

/** A streamed chat completion as SSE frames: the role, one frame per word, the finish, usage when asked for, `[DONE]`. */
export function chatStreamFrames(body: Record<string, unknown>): string[] {
  const served = `${String(body.model ?? '')}-2024-07-18`;
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-s1',
      object: 'chat.completion.chunk',
      created: 1_763_800_000,
      model: served,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    })}\n\n`;
  const frames = [chunk({ role: 'assistant', content: '' }, null)];
  for (const word of MOCK_ANSWER.split(/(?= )/)) frames.push(chunk({ content: word }, null));
  frames.push(chunk({}, 'stop'));
  const options = body.stream_options as { include_usage?: boolean } | undefined;
  if (options?.include_usage)
    frames.push(
      `data: ${JSON.stringify({ id: 'chatcmpl-s1', object: 'chat.completion.chunk', created: 1_763_800_000, model: served, choices: [], usage: chatUsage(body) })}\n\n`,
    );
  frames.push('data: [DONE]\n\n');
  return frames;
}

/**
 * The chat completions of the mock as a `fetch` for the official client (`new OpenAI({ fetch })`):
 * the same bytes, in process, with no socket or timer in between — for measuring what wraps the
 * client, where network noise would hide it. Counts the requests it answers.
 */
export function mockOpenAiFetch(): { fetch: typeof fetch; requests(): number } {
  let requests = 0;
  const encoder = new TextEncoder();
  const answer = async (_url: unknown, init?: RequestInit): Promise<Response> => {
    requests++;
    const body = JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>;
    if (!body.stream) return new Response(JSON.stringify(chatCompletion(body)), { headers: { 'content-type': 'application/json' } });
    const frames = chatStreamFrames(body);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const frame of frames) controller.enqueue(encoder.encode(frame));
        controller.close();
      },
    });
    return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
  };
  return { fetch: answer as typeof fetch, requests: () => requests };
}

async function respond(
  res: ServerResponse,
  body: Record<string, unknown>,
  model: string,
  delay: number,
  send: (status: number, value: unknown) => void,
): Promise<void> {
  if (model === 'boom') {
    send(429, { error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } });
    return;
  }
  const response = {
    id: 'resp_1',
    object: 'response',
    created_at: 1_763_800_000,
    status: 'completed',
    model: `${model}-2024-07-18`,
    output: [
      {
        type: 'message',
        id: 'msg_1',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: MOCK_ANSWER, annotations: [] }],
      },
    ],
    usage: {
      input_tokens: 24,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 8,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 32,
    },
  };
  if (!body.stream) {
    send(200, response);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const event = (value: Record<string, unknown>) => `event: ${value.type}\ndata: ${JSON.stringify(value)}\n\n`;
  res.write(
    event({ type: 'response.created', sequence_number: 0, response: { ...response, status: 'in_progress', output: [], usage: null } }),
  );
  await sleep(delay);
  let n = 1;
  for (const word of MOCK_ANSWER.split(/(?= )/)) {
    res.write(
      event({ type: 'response.output_text.delta', sequence_number: n++, item_id: 'msg_1', output_index: 0, content_index: 0, delta: word }),
    );
    await sleep(2);
  }
  res.write(event({ type: 'response.completed', sequence_number: n, response }));
  res.end();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The calls of {@link callOpenAiScript} (and of the Python clients' script) as `[operation, request model]`. */
export const OPENAI_SCRIPT_CALLS: readonly [string, string][] = [
  ['chat', 'gpt-4o-mini'],
  ['chat', 'gpt-4o-mini'],
  ['chat', 'gpt-4o'],
  ['embeddings', 'text-embedding-3-small'],
  ['chat', 'boom'],
];

/**
 * The calls the instrumentation tests make through the official client, in order: a chat
 * (system + user, temperature 0.2), a streamed chat with usage, a chat offering a tool, an
 * embedding, and a chat that fails with 429. `cached` says which of the first two mentions
 * "cached" (so the mock reports cached prompt tokens for it). Returns the streamed text.
 */
export async function callOpenAiScript(client: import('openai').OpenAI, cached: 'chat' | 'stream'): Promise<string> {
  const mark = (call: 'chat' | 'stream') => (cached === call ? ' (cached)' : '');
  await client.chat.completions.create({
    model: 'gpt-4o-mini',
    temperature: 0.2,
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: `What is the capital of France?${mark('chat')}` },
    ],
  });
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: `Capital of France?${mark('stream')}` }],
  });
  let streamed = '';
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
  await client.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
    tools: [
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
    ],
  });
  await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello world' });
  const failure = await client.chat.completions.create({ model: 'boom', messages: [{ role: 'user', content: 'x' }] }).then(
    () => null,
    (err: unknown) => err,
  );
  if (!(failure instanceof Error) || !/429/.test(failure.message))
    throw new Error(`expected the "boom" call to fail with 429, got ${String(failure)}`);
  return streamed;
}
