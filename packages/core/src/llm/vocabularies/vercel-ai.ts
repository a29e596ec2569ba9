import type { Span } from '../../model/span.js';
import type { CallDraft } from '../call-draft.js';
import { KeyPrefix } from '../key-prefixes.js';
import type { Message } from '../llm-call.js';
import { messagesFromPlain, textMessage } from '../messages.js';
import { providerFields } from '../provider-fields.js';
import { deriveToolCalls, readFinishReasons, readSessionAndUser, setParameter } from '../readers.js';
import { asInt, asNumber, asString, asStructured } from '../values.js';
import type { Vocabulary } from '../vocabulary.js';
import { readGenAi, readGenAiContent } from './otel-genai.js';

/** The operation ids of spans that are model calls; their parents (`ai.generateText`, …) only repeat their usage. */
const CALL_SPANS: Record<string, { operation: string; streaming: boolean }> = {
  'ai.generateText.doGenerate': { operation: 'chat', streaming: false },
  'ai.streamText.doStream': { operation: 'chat', streaming: true },
  'ai.generateObject.doGenerate': { operation: 'chat', streaming: false },
  'ai.streamObject.doStream': { operation: 'chat', streaming: true },
  'ai.embed.doEmbed': { operation: 'embeddings', streaming: false },
  'ai.embedMany.doEmbed': { operation: 'embeddings', streaming: false },
};

const SETTINGS: Record<string, string> = {
  maxOutputTokens: 'max_tokens',
  maxTokens: 'max_tokens',
  temperature: 'temperature',
  topP: 'top_p',
  topK: 'top_k',
  frequencyPenalty: 'frequency_penalty',
  presencePenalty: 'presence_penalty',
  stopSequences: 'stop_sequences',
  seed: 'seed',
};

/**
 * The Vercel AI SDK. Its legacy telemetry (`ai.*`, every version: `promptTokens` and
 * `inputTokens`, `msToFirstChunk`, `ai.telemetry.metadata.*`) reads a call from the inner
 * `doGenerate` / `doStream` / `doEmbed` spans only. v7's OpenTelemetry integration (scope `ai`
 * with `gen_ai.*`) reads like OTel GenAI, where `invoke_agent` and `agent_step` spans repeat
 * their `chat` children's usage and are not calls.
 */
export const vercelAi: Vocabulary = {
  name: 'vercel-ai',
  detect: (span: Span) => Object.hasOwn(span.attributes, 'ai.operationId') || span.scope.name === 'ai',
  read(d: CallDraft): boolean {
    const operationId = operationIdOf(d);
    if (operationId === null) {
      // v7 OpenTelemetry integration: plain GenAI keys, with Vercel's provider ids.
      if ((d.prefixes & KeyPrefix.GenAi) === 0) return false;
      providerFields(d, ['gen_ai.provider.name', 'gen_ai.system'], { vercel: true });
      if (!readGenAi(d)) return false;
      d.take('durationMs', ['gen_ai.client.operation.duration'], (v) => {
        const s = asNumber(v);
        return s === null ? null : s * 1000;
      });
      readMetadata(d, 'ai.settings.context.');
      return true;
    }
    const call = CALL_SPANS[operationId];
    if (!call) return false;
    d.set('operation', call.operation, `ai.operationId ${operationId}`);
    d.set('isStreaming', call.streaming, `ai.operationId ${operationId}`);
    providerFields(d, ['ai.model.provider', 'gen_ai.system'], { vercel: true });
    d.take('requestModel', ['ai.model.id', 'gen_ai.request.model'], asString);
    d.take('model', ['ai.response.model', 'gen_ai.response.model'], asString);
    d.take('requestId', ['ai.response.id', 'gen_ai.response.id'], asString);

    d.take('inputTokens', ['ai.usage.inputTokens', 'ai.usage.promptTokens', 'gen_ai.usage.input_tokens'], asInt);
    if (call.operation === 'embeddings') d.take('inputTokens', ['ai.usage.tokens'], asInt);
    d.take('outputTokens', ['ai.usage.outputTokens', 'ai.usage.completionTokens', 'gen_ai.usage.output_tokens'], asInt);
    d.take('totalTokens', ['ai.usage.totalTokens'], asInt);
    d.take('cacheReadTokens', ['ai.usage.cachedInputTokens', 'ai.usage.inputTokenDetails.cacheReadTokens'], asInt);
    d.take('cacheWriteTokens', ['ai.usage.inputTokenDetails.cacheWriteTokens'], asInt);
    d.take('reasoningTokens', ['ai.usage.reasoningTokens', 'ai.usage.outputTokenDetails.reasoningTokens'], asInt);

    d.take('ttftMs', ['ai.response.msToFirstChunk', 'ai.stream.msToFirstChunk'], asNumber);
    const firstChunk = d.span.events.find((e) => e.name === 'ai.stream.firstChunk');
    if (firstChunk)
      d.set(
        'ttftMs',
        asNumber(firstChunk.attributes['ai.response.msToFirstChunk'] ?? firstChunk.attributes['ai.stream.msToFirstChunk']),
        'event ai.stream.firstChunk',
      );
    readFinishReasons(d, ['ai.response.finishReason', 'gen_ai.response.finish_reasons']);

    readMetadata(d, 'ai.telemetry.metadata.');
    return true;
  },
  readContent(d: CallDraft): void {
    if (operationIdOf(d) === null) {
      readGenAiContent(d);
      return;
    }
    d.set('inputMessages', messagesFromPlain(asStructured(d.get('ai.prompt.messages'))), 'ai.prompt.messages');
    d.set('inputMessages', promptMessages(asStructured(d.get('ai.prompt'))), 'ai.prompt');
    const output: Message[] = [];
    const text = asString(d.get('ai.response.text'));
    const calls = asStructured(d.get('ai.response.toolCalls'));
    const parts = [
      ...(text !== null ? textMessage('assistant', text).parts : []),
      ...(Array.isArray(calls) ? (messagesFromPlain([{ role: 'assistant', content: calls.map(toToolCallPart) }])?.[0]?.parts ?? []) : []),
    ];
    if (parts.length) output.push({ role: 'assistant', parts });
    d.set('outputMessages', output.length ? output : null, 'ai.response.text + ai.response.toolCalls');
    deriveToolCalls(d);

    for (const key in d.attrs) {
      if (key.startsWith('gen_ai.request.') && key !== 'gen_ai.request.model')
        setParameter(d, key.slice('gen_ai.request.'.length), d.attrs[key], key);
      if (key.startsWith('ai.settings.')) {
        const name = SETTINGS[key.slice('ai.settings.'.length)];
        if (name) setParameter(d, name, d.attrs[key], key);
      }
    }
  },
};

/** The legacy telemetry's operation id (from the key, or the span name); null for v7's GenAI spans. */
function operationIdOf(d: CallDraft): string | null {
  return asString(d.get('ai.operationId')) ?? (d.span.name.startsWith('ai.') ? (d.span.name.split(' ')[0] ?? null) : null);
}

/** `ai.prompt` on the outer span: `{system, prompt, messages}`. */
function promptMessages(value: unknown): Message[] | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const p = value as { system?: unknown; prompt?: unknown; messages?: unknown };
  const out: Message[] = [];
  if (typeof p.system === 'string') out.push(textMessage('system', p.system));
  if (typeof p.prompt === 'string') out.push(textMessage('user', p.prompt));
  out.push(...(messagesFromPlain(p.messages) ?? []));
  return out.length ? out : null;
}

function toToolCallPart(c: unknown): unknown {
  if (c === null || typeof c !== 'object') return c;
  const t = c as Record<string, unknown>;
  return { type: 'tool-call', toolCallId: t.toolCallId, toolName: t.toolName, args: t.args ?? t.input };
}

/** Session and user from telemetry metadata (`sessionId` / `userId` by convention). */
function readMetadata(d: CallDraft, prefix: string): void {
  d.take('sessionId', [`${prefix}sessionId`, `${prefix}session_id`, `${prefix}conversationId`], asString);
  d.take('userId', [`${prefix}userId`, `${prefix}user_id`], asString);
  readSessionAndUser(d);
}
