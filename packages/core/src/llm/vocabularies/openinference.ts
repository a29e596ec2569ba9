import { fromPlain } from '../../model/any-value.js';
import type { Span } from '../../model/span.js';
import type { CallDraft } from '../call-draft.js';
import { hasIndexed, indexedObjects, openInferenceMessages, textMessage } from '../messages.js';
import { parseProviderName } from '../provider-names.js';
import { deriveToolCalls, readFinishReasons, readSessionAndUser, setParameter, ttftFromEvent } from '../readers.js';
import { asInt, asNumber, asString, asStructured } from '../values.js';
import type { Vocabulary } from '../vocabulary.js';
import { langChainResult } from './langchain-output.js';

/**
 * OpenInference (Arize): `openinference.span.kind` LLM and EMBEDDING spans. `llm.system` is
 * the model's vendor and `llm.provider` where it ran; messages are flattened and indexed;
 * streaming TTFT comes from the "First Token Stream Event".
 */
export const openInference: Vocabulary = {
  name: 'openinference',
  detect: (span: Span) => Object.hasOwn(span.attributes, 'openinference.span.kind'),
  read(d: CallDraft): boolean {
    const kind = asString(d.get('openinference.span.kind'))?.toUpperCase();
    if (kind !== 'LLM' && kind !== 'EMBEDDING') return false;
    const invocation = invocationParameters(d, kind === 'EMBEDDING' ? 'embedding.invocation_parameters' : 'llm.invocation_parameters');

    if (kind === 'EMBEDDING') d.set('operation', 'embeddings', 'openinference.span.kind EMBEDDING');
    else if (hasIndexed(d.attrs, 'llm.prompts')) d.set('operation', 'text_completion', 'openinference.span.kind LLM with llm.prompts');
    else d.set('operation', 'chat', 'openinference.span.kind LLM');

    const system = asString(d.get('llm.system'));
    if (system !== null) d.set('provider', parseProviderName(system).vendor, 'llm.system');
    const host = asString(d.get('llm.provider'));
    if (host !== null) {
      const parsed = parseProviderName(host);
      d.set('hostProvider', parsed.host ?? parsed.vendor, 'llm.provider');
    }
    d.take('requestModel', ['llm.request.model_name'], asString);
    d.set('requestModel', typeof invocation.model === 'string' ? invocation.model : null, 'llm.invocation_parameters.model');
    const langChain = d.span.scope.name.startsWith(LANGCHAIN_SCOPE) ? langChainResult(d.get('output.value')) : null;
    if (langChain) {
      d.set('model', langChain.servedModel, 'output.value generations[0][0] model_name (LangChain)');
      d.set(
        'isStreaming',
        langChain.streamed,
        `output.value generations[0][0] is ${langChain.streamed ? 'a ChatGenerationChunk' : 'not a ChatGenerationChunk'} (LangChain)`,
      );
    }
    d.take('model', ['llm.response.model_name', 'llm.model_name', 'embedding.model_name'], asString);
    // LangChain's `stream` is the chat model's `streaming` setting, not what this call did: its result tells (above).
    if (typeof invocation.stream === 'boolean') d.set('isStreaming', invocation.stream, 'llm.invocation_parameters.stream');
    if (d.span.events.some((e) => e.name === 'First Token Stream Event')) d.set('isStreaming', true, 'event "First Token Stream Event"');
    d.take('inputTokens', ['llm.token_count.prompt'], asInt);
    d.take('outputTokens', ['llm.token_count.completion'], asInt);
    d.take('totalTokens', ['llm.token_count.total'], asInt);
    d.take('cacheReadTokens', ['llm.token_count.prompt_details.cache_read', 'llm.token_count.prompt_details.cache_input'], asInt);
    d.take('cacheWriteTokens', ['llm.token_count.prompt_details.cache_write'], asInt);
    d.take('reasoningTokens', ['llm.token_count.completion_details.reasoning'], asInt);
    ttftFromEvent(d, 'First Token Stream Event');
    readFinishReasons(d, ['llm.finish_reason']);

    const total = asNumber(d.get('llm.cost.total'));
    if (total !== null) {
      d.set('costUsd', total, 'llm.cost.total');
      d.set('costSource', 'source', 'llm.cost.total');
      d.set(
        'costBreakdown',
        {
          input: asNumber(d.get('llm.cost.prompt_details.input')) ?? asNumber(d.get('llm.cost.prompt')),
          cacheRead: asNumber(d.get('llm.cost.prompt_details.cache_read')),
          cacheWrite: asNumber(d.get('llm.cost.prompt_details.cache_write')),
          output: asNumber(d.get('llm.cost.completion_details.output')) ?? asNumber(d.get('llm.cost.completion')),
          reasoning: asNumber(d.get('llm.cost.completion_details.reasoning')),
        },
        'llm.cost.*',
      );
    }
    readSessionAndUser(d);
    return true;
  },
  readContent(d: CallDraft): void {
    const kind = asString(d.get('openinference.span.kind'))?.toUpperCase();
    const invocation = invocationParameters(d, kind === 'EMBEDDING' ? 'embedding.invocation_parameters' : 'llm.invocation_parameters');
    for (const [name, value] of Object.entries(invocation)) {
      if (!NOT_PARAMETERS.has(name) && !name.startsWith('_')) setParameter(d, name, fromPlain(value), `llm.invocation_parameters.${name}`);
    }

    d.set('inputMessages', openInferenceMessages(d.attrs, 'llm.input_messages'), 'llm.input_messages.*');
    d.set('outputMessages', openInferenceMessages(d.attrs, 'llm.output_messages'), 'llm.output_messages.*');
    const prompts = indexedObjects(d.attrs, 'llm.prompts').map((p) => (p.prompt as { text?: unknown } | undefined)?.text);
    if (prompts.some((t) => typeof t === 'string'))
      d.set(
        'inputMessages',
        prompts.filter((t): t is string => typeof t === 'string').map((t) => textMessage('user', t)),
        'llm.prompts.*',
      );
    const choices = indexedObjects(d.attrs, 'llm.choices').map((c) => (c.completion as { text?: unknown } | undefined)?.text);
    if (choices.some((t) => typeof t === 'string'))
      d.set(
        'outputMessages',
        choices.filter((t): t is string => typeof t === 'string').map((t) => textMessage('assistant', t)),
        'llm.choices.*',
      );
    deriveToolCalls(d);
  },
};

/** Invocation keys that are not request parameters: the request itself, and LangChain's bookkeeping (`_type`, `model_name`). */
const NOT_PARAMETERS = new Set(['model', 'model_name', 'stream', 'messages', 'tools', 'stream_options']);

/** OpenInference's LangChain instrumentation (`openinference.instrumentation.langchain`). */
const LANGCHAIN_SCOPE = 'openinference.instrumentation.langchain';

function invocationParameters(d: CallDraft, key: string): Record<string, unknown> {
  const params = asStructured(d.get(key));
  return params !== null && typeof params === 'object' && !Array.isArray(params) ? (params as Record<string, unknown>) : {};
}
