import type { Span } from '../../model/span.js';
import type { CallDraft } from '../call-draft.js';
import { providerFields } from '../provider-fields.js';
import { readSessionAndUser } from '../readers.js';
import { asInt, asNumber, asString } from '../values.js';
import type { Vocabulary } from '../vocabulary.js';

const OPERATIONS: Record<string, { operation: string; streaming: boolean | null }> = {
  chat: { operation: 'chat', streaming: false },
  stream: { operation: 'chat', streaming: true },
  embed: { operation: 'embeddings', streaming: null },
};

/**
 * A RactoGateway-style tracer: `llm.operation` (`stream` is a chat that streamed), one model
 * key, latency in ms, the gateway's own cost, `llm.cache_hit` as the gateway's response-cache
 * outcome (never prompt-cache tokens), and `llm.tool_calls` as a count.
 */
export const racto: Vocabulary = {
  name: 'racto',
  detect: (span: Span) =>
    Object.hasOwn(span.attributes, 'llm.operation') ||
    Object.hasOwn(span.attributes, 'llm.cost_usd') ||
    Object.hasOwn(span.attributes, 'llm.cache_hit'),
  read(d: CallDraft): boolean {
    const raw = asString(d.get('llm.operation'));
    const op = raw === null ? { operation: 'chat', streaming: null } : OPERATIONS[raw];
    if (!op) return false;
    d.set('operation', op.operation, raw === null ? 'assumed: chat' : 'llm.operation');
    if (op.streaming !== null) d.set('isStreaming', op.streaming, 'llm.operation');
    providerFields(d, ['llm.provider']);
    d.take('requestModel', ['llm.model'], asString);
    d.take('model', ['llm.model'], asString);
    d.take('durationMs', ['llm.latency_ms'], asNumber);
    d.take('inputTokens', ['llm.input_tokens'], asInt);
    d.take('outputTokens', ['llm.output_tokens'], asInt);
    const cost = asNumber(d.get('llm.cost_usd'));
    if (cost !== null) {
      d.set('costUsd', cost, 'llm.cost_usd');
      d.set('costSource', 'source', 'llm.cost_usd');
    }
    const cache = d.get('llm.cache_hit');
    if (typeof cache === 'boolean') d.set('gatewayCache', cache ? 'hit' : 'miss', 'llm.cache_hit');
    else d.take('gatewayCache', ['llm.cache_hit'], asString);
    d.take('toolCallCount', ['llm.tool_calls'], asInt);
    const errorType = asString(d.get('llm.error_type'));
    if (errorType !== null) {
      d.set('isError', true, 'llm.error_type');
      d.set('errorType', errorType, 'llm.error_type');
    }
    readSessionAndUser(d);
    return true;
  },
};
