import { type Span, serviceNameOf } from '../../model/span.js';
import type { CallDraft } from '../call-draft.js';
import { KeyPrefix } from '../key-prefixes.js';
import { providerFields } from '../provider-fields.js';
import { knownProviderName } from '../provider-names.js';
import { readSessionAndUser } from '../readers.js';
import { asBool, asInt, asNumber, asString } from '../values.js';
import type { Vocabulary } from '../vocabulary.js';

/** Keys that mark a RactoGateway span, which also uses `llm.model` (see `racto`). */
const RACTO_KEYS = ['llm.operation', 'llm.cost_usd', 'llm.cache_hit'];

/**
 * A Plano-style gateway: `llm.model` is the model that served (`model.requested` what the
 * client asked for), `llm.usage.*` counts tokens, times are milliseconds, and the routing
 * context is in `plano.*` and `routing.*`. Plano's LLM spans (`plano(llm)`) carry only the
 * `llm.*` keys, so `llm.model` alone marks one too (OpenInference spells it `llm.model_name`,
 * and is detected first). The `llm.usage.*` keys are OpenLLMetry's legacy spelling as well;
 * OpenLLMetry is detected first, by its scope and `traceloop.*` keys.
 */
export const plano: Vocabulary = {
  name: 'plano',
  detect: (span: Span, prefixes: number) =>
    (prefixes & (KeyPrefix.Plano | KeyPrefix.Routing)) !== 0 ||
    (Object.hasOwn(span.attributes, 'llm.model') && !RACTO_KEYS.some((k) => Object.hasOwn(span.attributes, k))),
  read(d: CallDraft): boolean {
    if (!d.has('llm.model') && !d.has('model.requested')) return false;
    d.set('operation', 'chat', 'gateway call (Plano)');
    providerFields(d, ['llm.provider']);
    providerFromService(d);
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
    d.set('requestId', d.span.spanId, 'fallback: span id (no request_id)');
    return true;
  },
};

/**
 * Without `llm.provider`, the provider is the service the span is reported under, when that
 * is a provider's name (`openai`, `anthropic`, …): Plano can report an upstream call under the
 * upstream's name. Any other service name (Plano's own, the app's) names no provider, and the
 * model name tells it later.
 */
function providerFromService(d: CallDraft): void {
  if (d.fields.provider || d.fields.hostProvider) return;
  const named = knownProviderName(serviceNameOf(d.span.resource));
  if (!named) return;
  d.set('provider', named.vendor, 'fallback: service.name (no llm.provider)');
  d.set('hostProvider', named.host, 'fallback: service.name (no llm.provider)');
}
