import type { InstrumentContext } from './instrument-context.js';
import type { CallStart, LlmSpan } from './llm-span.js';
import {
  ChatStreamState,
  chatInputMessages,
  chatResult,
  chatUsage,
  requestParameters,
  responsesInputMessages,
  responsesResult,
  serverAddress,
} from './openai-map.js';
import type { Patches } from './patches.js';
import { observeStreamObject } from './streams.js';
import { isStream, wrapCall } from './wrap-call.js';

// biome-ignore lint/suspicious/noExplicitAny: provider payloads are untyped here
type Json = any;

type Kind = 'chat' | 'responses' | 'embeddings';

/** Wraps the `create` methods of OpenAI resource objects (prototypes or one client's instances). */
export function patchOpenAiResources(
  patches: Patches,
  ctx: InstrumentContext,
  targets: { chat?: object | null; responses?: object | null; embeddings?: object | null },
): number {
  let n = 0;
  for (const kind of ['chat', 'responses', 'embeddings'] as const) {
    if (patches.wrap(targets[kind], 'create', (original) => wrapCall(original, MAPPINGS[kind], ctx))) n++;
  }
  return n;
}

/** The classes of an `openai` module (CommonJS or ESM copy) whose prototypes auto-instrumentation patches. */
export function openAiPrototypes(mod: Json): { chat?: object; responses?: object; embeddings?: object } | null {
  const OpenAI = mod?.OpenAI ?? mod?.default;
  if (typeof OpenAI !== 'function') return null;
  return {
    chat: OpenAI.Chat?.Completions?.prototype,
    responses: OpenAI.Responses?.prototype,
    embeddings: OpenAI.Embeddings?.prototype,
  };
}

/** `instrument(client)`: this client's resources only. */
export function openAiInstance(client: Json): { chat?: object; responses?: object; embeddings?: object } {
  return { chat: client?.chat?.completions, responses: client?.responses, embeddings: client?.embeddings };
}

export function isOpenAiClient(client: Json): boolean {
  return typeof client?.chat?.completions?.create === 'function' || typeof client?.embeddings?.create === 'function';
}

function startOf(kind: Kind, body: Json, self: Json): CallStart {
  const base = {
    provider: 'openai',
    model: typeof body?.model === 'string' ? body.model : null,
    streaming: body?.stream === true,
    serverAddress: serverAddress(self),
  };
  if (kind === 'embeddings') {
    const parameters: Json = {};
    if (typeof body?.dimensions === 'number') parameters['gen_ai.embeddings.dimension.count'] = body.dimensions;
    if (typeof body?.encoding_format === 'string') parameters['gen_ai.request.encoding_formats'] = [body.encoding_format];
    return { ...base, operation: 'embeddings', streaming: false, parameters };
  }
  if (kind === 'responses')
    return {
      ...base,
      operation: 'chat',
      parameters: requestParameters(body),
      inputMessages: () => responsesInputMessages(body),
      systemInstructions: () => (typeof body?.instructions === 'string' ? [{ type: 'text', content: body.instructions }] : null),
    };
  return { ...base, operation: 'chat', parameters: requestParameters(body), inputMessages: () => chatInputMessages(body?.messages) };
}

function record(kind: Kind, data: Json, span: LlmSpan): void {
  if (isStream(data) && !Array.isArray(data?.choices)) observeStream(data, kind, span);
  else if (kind === 'chat') span.succeed(chatResult(data));
  else if (kind === 'responses') span.succeed(responsesResult(data));
  else span.succeed({ responseModel: data?.model ?? null, inputTokens: chatUsage(data?.usage).inputTokens });
}

const MAPPINGS = Object.fromEntries(
  (['chat', 'responses', 'embeddings'] as const).map((kind) => [
    kind,
    {
      name: 'OpenAI',
      start: (body: Json, self: Json) => startOf(kind, body, self),
      record: (data: Json, span: LlmSpan) => record(kind, data, span),
    },
  ]),
) as Record<Kind, import('./wrap-call.js').CallMapping>;

function observeStream(stream: object, kind: Kind, span: LlmSpan): void {
  if (kind === 'responses') {
    let final: Json = null;
    observeStreamObject<Json>(stream, {
      chunk(event) {
        const type = event?.type;
        if (type === 'response.output_text.delta' || type === 'response.function_call_arguments.delta' || type === 'response.refusal.delta')
          span.firstChunk();
        if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') final = event.response;
      },
      done: () => span.succeed(final ? responsesResult(final) : {}),
      fail: (err) => span.fail(err),
    });
    return;
  }
  const state = new ChatStreamState();
  observeStreamObject<Json>(stream, {
    chunk(chunk) {
      if (state.add(chunk)) span.firstChunk();
    },
    done: () => span.succeed(state.result()),
    fail: (err) => span.fail(err),
  });
}
