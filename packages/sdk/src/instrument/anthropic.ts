import { AnthropicStreamState, anthropicInputMessages, anthropicParameters, anthropicResult, anthropicSystem } from './anthropic-map.js';
import type { InstrumentContext } from './instrument-context.js';
import type { Json } from './json.js';
import type { Patches } from './patches.js';
import { type CallMapping, isStream, recordStream, serverAddress, wrapCall } from './wrap-call.js';

/**
 * `messages.create` of `@anthropic-ai/sdk` (plain and `stream: true`; `messages.stream()` goes
 * through it). Token counting (`countTokens`) is not a model call and is left alone.
 */
const MESSAGES: CallMapping = {
  name: 'Anthropic',
  start: (body: Json, self: Json) => ({
    provider: 'anthropic',
    operation: 'chat',
    model: typeof body?.model === 'string' ? body.model : null,
    streaming: body?.stream === true,
    parameters: anthropicParameters(body),
    inputMessages: () => anthropicInputMessages(body),
    systemInstructions: () => anthropicSystem(body),
    serverAddress: serverAddress(self),
  }),
  record: (data, span) =>
    isStream(data) ? recordStream(data, span, new AnthropicStreamState(span.capturesContent)) : span.succeed(anthropicResult(data)),
};

export function patchAnthropicMessages(patches: Patches, ctx: InstrumentContext, messages: object | null | undefined): number {
  return patches.wrap(messages, 'create', (original) => wrapCall(original, MESSAGES, ctx)) ? 1 : 0;
}

export function anthropicPrototype(mod: Json): object | null {
  const Anthropic = mod?.Anthropic ?? mod?.default;
  return Anthropic?.Messages?.prototype ?? null;
}

export function isAnthropicClient(client: Json): boolean {
  return typeof client?.messages?.create === 'function' && typeof client?.messages?.countTokens === 'function';
}
