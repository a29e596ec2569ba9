import type { AnyValue } from '../../model/any-value.js';
import type { Span } from '../../model/span.js';
import type { CallDraft } from '../call-draft.js';
import { knownProviderName } from '../provider-names.js';
import { readSessionAndUser } from '../readers.js';
import { asInt, asString } from '../values.js';
import type { Vocabulary } from '../vocabulary.js';

/** The scope of spans Sightline builds from Llama Stack's `log-event` calls. */
export const LLAMA_STACK_SCOPE = 'llama-stack.telemetry';

/** The token-count metric events Llama Stack logs on an inference span (as `metric.<name>` span events). */
const TOKEN_METRICS = { input: 'metric.prompt_tokens', output: 'metric.completion_tokens', total: 'metric.total_tokens' } as const;

const OPERATIONS: Record<string, string> = {
  chat_completion: 'chat',
  completion: 'text_completion',
  embeddings: 'embeddings',
  openai_chat_completion: 'chat',
  openai_completion: 'text_completion',
  openai_embeddings: 'embeddings',
};

/**
 * Llama Stack's own telemetry, as its `log-event` calls open and close spans: an inference
 * span is a model call when token-count metric events (`prompt_tokens`, `completion_tokens`,
 * `total_tokens`) were logged on it; their values are its usage, their `model_id` and
 * `provider_id` attributes its model and where it ran. `session_id` is the session, or
 * `sightline.session_id`: an agent puts it on its turn spans only, and Sightline records it on
 * the spans opened under them.
 */
export const llamaStack: Vocabulary = {
  name: 'llama-stack',
  detect: (span: Span) => span.scope.name === LLAMA_STACK_SCOPE && span.events.some((e) => isTokenMetric(e.name)),
  read(d: CallDraft): boolean {
    const metric = (name: string) => d.span.events.find((e) => e.name === name);
    const input = metric(TOKEN_METRICS.input);
    const output = metric(TOKEN_METRICS.output);
    const total = metric(TOKEN_METRICS.total);
    d.set('operation', OPERATIONS[d.span.name] ?? 'chat', OPERATIONS[d.span.name] ? 'span name' : 'assumed: chat');
    d.set('inputTokens', asInt(input?.attributes.value), `${TOKEN_METRICS.input} event value`);
    d.set('outputTokens', asInt(output?.attributes.value), `${TOKEN_METRICS.output} event value`);
    d.set('totalTokens', asInt(total?.attributes.value), `${TOKEN_METRICS.total} event value`);
    const from = (key: string): AnyValue | undefined => {
      for (const e of [input, output, total]) if (e && Object.hasOwn(e.attributes, key)) return e.attributes[key];
      return d.get(key);
    };
    const model = asString(from('model_id')) ?? asString(d.get('model'));
    d.set('requestModel', model, 'model_id');
    d.set('model', model, 'model_id');
    const providerId = asString(from('provider_id'));
    // `provider_id` names the inference provider the stack was configured with (ollama, fireworks, …).
    const named = providerId === null ? null : knownProviderName(providerId);
    if (named) {
      d.set('provider', named.vendor, 'provider_id');
      d.set('hostProvider', named.host, 'provider_id');
    }
    // `sightline.session_id`: the session of the turn the span was opened under.
    d.take('sessionId', ['session_id', 'sightline.session_id'], asString);
    readSessionAndUser(d);
    return input !== undefined || output !== undefined || total !== undefined;
  },
};

function isTokenMetric(name: string): boolean {
  return name === TOKEN_METRICS.input || name === TOKEN_METRICS.output || name === TOKEN_METRICS.total;
}
