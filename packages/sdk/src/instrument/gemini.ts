import {
  GeminiStreamState,
  geminiEmbedResult,
  geminiInputMessages,
  geminiModel,
  geminiParameters,
  geminiResult,
  geminiSystem,
} from './gemini-map.js';
import type { InstrumentContext } from './instrument-context.js';
import type { Json } from './json.js';
import type { CallStart } from './llm-span.js';
import type { Patches } from './patches.js';
import { type CallMapping, hostOf, isStream, recordStream, wrapCall } from './wrap-call.js';

/**
 * `@google/genai` defines `generateContent`, `generateContentStream` and `embedContent` per
 * instance, each sending one or more requests (automatic function calling, continuation) through
 * the prototype methods patched here. Wrapping those makes one span per request to the model,
 * whichever public method, or `chats.sendMessage`, made it.
 */
const METHODS = ['generateContentInternal', 'generateContentStreamInternal', 'embedContentInternal'] as const;
type Method = (typeof METHODS)[number];

/** Provider and server of the client a `Models` object belongs to. */
function origin(self: Json): Pick<CallStart, 'provider' | 'serverAddress'> {
  const api = self?.apiClient;
  return { provider: api?.isVertexAI?.() ? 'gcp.vertex_ai' : 'gcp.gemini', serverAddress: hostOf(api?.getBaseUrl?.()) };
}

function generate(streaming: boolean): CallMapping {
  return {
    name: 'Gemini generateContent',
    start: (params: Json, self: Json) => ({
      ...origin(self),
      operation: 'generate_content',
      model: geminiModel(params?.model),
      streaming,
      parameters: geminiParameters(params?.config),
      inputMessages: () => geminiInputMessages(params?.contents),
      systemInstructions: () => geminiSystem(params?.config),
    }),
    record: (data, span) =>
      isStream(data) ? recordStream(data, span, new GeminiStreamState(span.capturesContent)) : span.succeed(geminiResult(data)),
  };
}

const MAPPINGS: Record<Method, CallMapping> = {
  generateContentInternal: generate(false),
  generateContentStreamInternal: generate(true),
  embedContentInternal: {
    name: 'Gemini embedContent',
    start: (params: Json, self: Json) => {
      const parameters: Json = {};
      const dims = params?.config?.outputDimensionality;
      if (typeof dims === 'number') parameters['gen_ai.embeddings.dimension.count'] = dims;
      return { ...origin(self), operation: 'embeddings', model: geminiModel(params?.model), streaming: false, parameters };
    },
    record: (data, span) => span.succeed(geminiEmbedResult(data)),
  },
};

/** Patches a `Models` prototype (every client) or one client's `models` object (just that one). */
export function patchGeminiModels(patches: Patches, ctx: InstrumentContext, models: object | null | undefined): number {
  let n = 0;
  for (const m of METHODS) if (patches.wrap(models, m, (original) => wrapCall(original, MAPPINGS[m], ctx))) n++;
  return n;
}

export function geminiPrototype(mod: Json): object | null {
  return mod?.Models?.prototype ?? null;
}

export function isGeminiClient(client: Json): boolean {
  return typeof client?.models?.generateContent === 'function' && typeof client?.models?.generateContentInternal === 'function';
}
