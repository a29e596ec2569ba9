import type { Span } from '../../model/span.js';
import type { CallDraft } from '../call-draft.js';
import { KeyPrefix } from '../key-prefixes.js';
import { providerFields } from '../provider-fields.js';
import { readSessionAndUser } from '../readers.js';
import { asBool, asInt, asNumber, asString } from '../values.js';
import type { Vocabulary } from '../vocabulary.js';

/**
 * A Plano-style gateway: `llm.model` is the model that served (`model.requested` what the
 * client asked for), `llm.usage.*` counts tokens, times are milliseconds, and the routing
 * context is in `plano.*` and `routing.*`. The `llm.usage.*` keys are OpenLLMetry's legacy
 * spelling too; the `plano.*` / `routing.*` keys are what attribute them here.
 */
export const plano: Vocabulary = {
  name: 'plano',
  detect: (_span: Span, prefixes: number) => (prefixes & (KeyPrefix.Plano | KeyPrefix.Routing)) !== 0,
  read(d: CallDraft): boolean {
    if (!d.has('llm.model') && !d.has('model.requested')) return false;
    d.set('operation', 'chat', 'gateway call (Plano)');
    providerFields(d, ['llm.provider']);
    d.take('requestModel', ['model.requested'], asString);
    d.take('model', ['llm.model'], asString);
    d.take('requestId', ['request_id', 'http.request_id'], asString);
    d.take('isStreaming', ['llm.is_streaming'], asBool);
    d.take('inputTokens', ['llm.usage.prompt_tokens'], asInt);
    d.take('outputTokens', ['llm.usage.completion_tokens'], asInt);
    d.take('totalTokens', ['llm.usage.total_tokens'], asInt);
    d.take('cacheReadTokens', ['llm.usage.cached_input_tokens'], asInt);
    d.take('cacheWriteTokens', ['llm.usage.cache_creation_tokens'], asInt);
    d.take('reasoningTokens', ['llm.usage.reasoning_tokens'], asInt);
    d.take('ttftMs', ['llm.time_to_first_token'], asNumber);
    d.take('durationMs', ['llm.duration_ms'], asNumber);
    d.take('sessionId', ['plano.session_id'], asString);
    d.take('routeName', ['plano.route.name'], asString);
    d.take('routingStrategy', ['routing.strategy'], asString);
    d.take('routingReason', ['routing.selection_reason'], asString);
    readSessionAndUser(d);
    return true;
  },
};
