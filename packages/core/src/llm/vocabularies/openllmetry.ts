import type { Span } from '../../model/span.js';
import type { CallDraft } from '../call-draft.js';
import { KeyPrefix } from '../key-prefixes.js';
import { indexedChatMessages } from '../messages.js';
import { providerFields } from '../provider-fields.js';
import {
  deriveFinishReasons,
  deriveToolCalls,
  readFinishReasons,
  readGenAiMessages,
  readGenAiParameters,
  readGenAiUsage,
  readSessionAndUser,
  setParameter,
} from '../readers.js';
import { asBool, asInt, asString } from '../values.js';
import type { Vocabulary } from '../vocabulary.js';
import { CALL_OPERATIONS, normalizeOperation } from './otel-genai.js';

const REQUEST_TYPES: Record<string, string> = { chat: 'chat', completion: 'text_completion', embedding: 'embeddings', rerank: 'rerank' };

/** Scope names of OpenLLMetry instrumentations (Python `opentelemetry.instrumentation.<lib>`, JS `@traceloop/…`). */
function isOpenLlmetryScope(name: string): boolean {
  if (name.startsWith('@traceloop/')) return true;
  // The OpenTelemetry project's own GenAI instrumentations (`…openai_v2`) speak plain OTel GenAI.
  return name.startsWith('opentelemetry.instrumentation.') && !name.endsWith('_v2');
}

/**
 * OpenLLMetry / Traceloop, current and legacy: `gen_ai.*` with OpenLLMetry's own additions
 * (`gen_ai.usage.total_tokens`, `gen_ai.is_streaming`, …), the indexed `gen_ai.prompt.{i}.*` /
 * `gen_ai.completion.{i}.*` messages, and the pre-2024 `llm.*` keys. Decorator spans
 * (`traceloop.span.kind` workflow, task, agent, tool) are not model calls.
 */
export const openLlmetry: Vocabulary = {
  name: 'openllmetry',
  detect: (span: Span, prefixes: number) =>
    (prefixes & KeyPrefix.Traceloop) !== 0 || Object.hasOwn(span.attributes, 'llm.request.type') || isOpenLlmetryScope(span.scope.name),
  read(d: CallDraft): boolean {
    if (d.has('traceloop.span.kind')) return false;
    const op = asString(d.get('gen_ai.operation.name'));
    const requestType = asString(d.get('llm.request.type'));
    if (op !== null) {
      if (!CALL_OPERATIONS.has(op)) return false;
      d.set('operation', normalizeOperation(op), 'gen_ai.operation.name');
    } else if (requestType !== null) {
      const mapped = REQUEST_TYPES[requestType];
      if (!mapped) return false;
      d.set('operation', mapped, 'llm.request.type');
    } else if (!d.has('gen_ai.request.model') && !d.has('llm.request.model')) return false;
    else d.set('operation', 'chat', 'assumed: a model without an operation');

    providerFields(d, ['gen_ai.provider.name', 'gen_ai.system', 'llm.vendor']);
    d.take('requestModel', ['gen_ai.request.model', 'llm.request.model'], asString);
    d.take('model', ['gen_ai.response.model', 'llm.response.model'], asString);
    d.take('requestId', ['gen_ai.response.id'], asString);
    d.take('isStreaming', ['gen_ai.is_streaming', 'llm.is_streaming', 'gen_ai.request.stream'], asBool);

    readGenAiUsage(d);
    d.take('inputTokens', ['llm.usage.prompt_tokens'], asInt);
    d.take('outputTokens', ['llm.usage.completion_tokens'], asInt);
    d.take('totalTokens', ['llm.usage.total_tokens'], asInt);
    d.take('reasoningTokens', ['llm.usage.reasoning_tokens'], asInt);

    readFinishReasons(d, [
      'gen_ai.response.finish_reasons',
      'gen_ai.response.finish_reason',
      'gen_ai.response.stop_reason',
      'llm.response.finish_reason',
    ]);

    d.take('sessionId', ['traceloop.association.properties.session_id'], asString);
    d.take(
      'userId',
      ['traceloop.association.properties.user_id', 'traceloop.association.properties.customer_id', 'gen_ai.user', 'llm.user'],
      asString,
    );
    readSessionAndUser(d);
    return true;
  },
  readContent(d: CallDraft): void {
    readGenAiMessages(d);
    d.set('inputMessages', indexedChatMessages(d.attrs, 'gen_ai.prompt'), 'gen_ai.prompt.{i}.*');
    d.set('outputMessages', indexedChatMessages(d.attrs, 'gen_ai.completion'), 'gen_ai.completion.{i}.*');
    d.set('inputMessages', indexedChatMessages(d.attrs, 'llm.prompts'), 'llm.prompts.{i}.*');
    d.set('outputMessages', indexedChatMessages(d.attrs, 'llm.completions'), 'llm.completions.{i}.*');
    deriveFinishReasons(d);
    deriveToolCalls(d);

    readGenAiParameters(d);
    for (const [key, name] of [
      ['llm.temperature', 'temperature'],
      ['llm.request.max_tokens', 'max_tokens'],
      ['llm.top_p', 'top_p'],
      ['llm.top_k', 'top_k'],
      ['llm.frequency_penalty', 'frequency_penalty'],
      ['llm.presence_penalty', 'presence_penalty'],
      ['llm.chat.stop_sequences', 'stop_sequences'],
    ] as const) {
      if (d.has(key)) setParameter(d, name, d.get(key), key);
    }
  },
};
