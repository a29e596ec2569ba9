import type { InstrumentContext } from './instrument-context.js';
import type { Json } from './json.js';
import {
  ChatStreamState,
  chatInputMessages,
  chatResult,
  chatUsage,
  ResponsesStreamState,
  requestParameters,
  responsesInputMessages,
  responsesResult,
} from './openai-map.js';
import type { Patches } from './patches.js';
import { type CallMapping, isStream, recordStream, serverAddress, wrapCall } from './wrap-call.js';

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

/** What every OpenAI call's span starts with. */
function start(body: Json, self: Json) {
  return {
    provider: 'openai',
    model: typeof body?.model === 'string' ? body.model : null,
    streaming: body?.stream === true,
    serverAddress: serverAddress(self),
  };
}

const MAPPINGS: Record<Kind, CallMapping> = {
  chat: {
    name: 'OpenAI chat',
    start: (body, self) => ({
      ...start(body, self),
      operation: 'chat',
      parameters: requestParameters(body),
      inputMessages: () => chatInputMessages(body?.messages),
    }),
    record: (data, span) =>
      isStream(data)
        ? recordStream(data, span, new ChatStreamState(span.capturesContent))
        : span.succeed(chatResult(data, span.capturesContent)),
  },
  responses: {
    name: 'OpenAI responses',
    start: (body, self) => ({
      ...start(body, self),
      operation: 'chat',
      parameters: requestParameters(body),
      inputMessages: () => responsesInputMessages(body),
      systemInstructions: () => (typeof body?.instructions === 'string' ? [{ type: 'text', content: body.instructions }] : null),
    }),
    record: (data, span) => (isStream(data) ? recordStream(data, span, new ResponsesStreamState()) : span.succeed(responsesResult(data))),
  },
  embeddings: {
    name: 'OpenAI embeddings',
    start: (body, self) => {
      const parameters: Json = {};
      if (typeof body?.dimensions === 'number') parameters['gen_ai.embeddings.dimension.count'] = body.dimensions;
      if (typeof body?.encoding_format === 'string') parameters['gen_ai.request.encoding_formats'] = [body.encoding_format];
      return { ...start(body, self), operation: 'embeddings', streaming: false, parameters };
    },
    record: (data, span) => span.succeed({ responseModel: data?.model ?? null, inputTokens: chatUsage(data?.usage).inputTokens }),
  },
};
