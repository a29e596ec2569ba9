import type { Tracer } from '@opentelemetry/api';
import type { ContentPolicy } from '../content.js';
import { reportOnce } from '../safe.js';
import { type CallStart, LlmSpan } from './llm-span.js';
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

// biome-ignore lint/suspicious/noExplicitAny: provider payloads are untyped here
type Json = any;

/** What instrumentation needs from the SDK: a tracer and the content policy, read at call time. */
export interface InstrumentContext {
  tracer(): Tracer;
  content(): ContentPolicy;
  /** False after `shutdown()`: wrappers then pass calls straight through. */
  enabled(): boolean;
}

type Kind = 'chat' | 'responses' | 'embeddings';

/** Wraps the `create` methods of OpenAI resource objects (prototypes or one client's instances). */
export function patchOpenAiResources(
  patches: Patches,
  ctx: InstrumentContext,
  targets: { chat?: object | null; responses?: object | null; embeddings?: object | null },
): number {
  let n = 0;
  for (const kind of ['chat', 'responses', 'embeddings'] as const) {
    if (patches.wrap(targets[kind], 'create', (original) => wrapCreate(original, kind, ctx))) n++;
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

function startOf(kind: Kind, body: Json, self: Json, content: ContentPolicy): CallStart {
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
  void content;
  return { ...base, operation: 'chat', parameters: requestParameters(body), inputMessages: () => chatInputMessages(body?.messages) };
}

// biome-ignore lint/suspicious/noExplicitAny: wrapping arbitrary client methods
function wrapCreate(original: (this: any, ...args: any[]) => any, kind: Kind, ctx: InstrumentContext) {
  // biome-ignore lint/suspicious/noExplicitAny: see above
  return function (this: any, ...args: any[]) {
    if (!ctx.enabled()) return original.apply(this, args);
    let span: LlmSpan;
    try {
      const content = ctx.content();
      span = new LlmSpan(ctx.tracer(), content, startOf(kind, args[0], this, content));
    } catch (err) {
      reportOnce('sightline: starting an OpenAI span', err);
      return original.apply(this, args);
    }
    let result: Json;
    try {
      result = span.activate(() => original.apply(this, args));
    } catch (err) {
      span.fail(err);
      throw err;
    }
    try {
      return observeResult(result, kind, span);
    } catch (err) {
      reportOnce('sightline: observing an OpenAI result', err);
      return result;
    }
  };
}

/** Watches the call's outcome without changing what the caller gets (openai's APIPromise kept intact). */
function observeResult(result: Json, kind: Kind, span: LlmSpan): Json {
  const onData = (data: Json) => {
    try {
      if (isStream(data)) observeStream(data, kind, span);
      else if (kind === 'chat') span.succeed(chatResult(data));
      else if (kind === 'responses') span.succeed(responsesResult(data));
      else span.succeed({ responseModel: data?.model ?? null, inputTokens: chatUsage(data?.usage).inputTokens });
    } catch (err) {
      reportOnce('sightline: reading an OpenAI response', err);
    }
    return data;
  };
  if (result && typeof result._thenUnwrap === 'function' && typeof result.asResponse === 'function') {
    // Errors reject the response promise; watching it does not read the body.
    result.asResponse().then(undefined, (err: unknown) => span.fail(err));
    return result._thenUnwrap((data: Json) => onData(data));
  }
  if (result && typeof result.then === 'function')
    return result.then(onData, (err: unknown) => {
      span.fail(err);
      throw err;
    });
  return onData(result);
}

function isStream(data: Json): boolean {
  return !!data && typeof data === 'object' && typeof data[Symbol.asyncIterator] === 'function' && !Array.isArray(data?.choices);
}

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
