import type { AnyValue } from '../../model/any-value.js';
import type { Span } from '../../model/span.js';
import type { CallDraft } from '../call-draft.js';
import { readChoiceEvents } from '../choice-events.js';
import { readGenAiUsageRaw } from '../gen-ai-usage-raw.js';
import { KeyPrefix } from '../key-prefixes.js';
import { providerFields } from '../provider-fields.js';
import {
  deriveFinishReasons,
  deriveToolCalls,
  readContentEvents,
  readFinishReasons,
  readGenAiMessages,
  readGenAiParameters,
  readGenAiUsage,
  readSessionAndUser,
} from '../readers.js';
import { readServerTtft } from '../server-ttft.js';
import { readSourceCost } from '../source-cost.js';
import { readDetailsEvents, readInputMessageEvents } from '../span-content-events.js';
import { asBool, asNumber, asString } from '../values.js';
import type { Vocabulary } from '../vocabulary.js';

/**
 * `gen_ai.operation.name` values that are model calls; the rest are agents, tools, workflows.
 * Besides the semantic conventions' names, the spellings instrumentations used before them
 * (Logfire's `chat_completions`).
 */
export const CALL_OPERATIONS = new Set([
  'chat',
  'text_completion',
  'generate_content',
  'embeddings',
  'embedding',
  'completion',
  'completions',
  'chat_completions',
  'chat.completions',
  'rerank',
]);

export function normalizeOperation(op: string): string {
  if (op === 'embedding' || op === 'embed') return 'embeddings';
  if (op === 'completion' || op === 'completions') return 'text_completion';
  if (op === 'chat_completions' || op === 'chat.completions') return 'chat';
  return op;
}

/**
 * Reads the OpenTelemetry GenAI keys, every version: `gen_ai.provider.name` and the older
 * `gen_ai.system`, `prompt/completion_tokens` and `input/output_tokens`, every cache-token
 * spelling, `time_to_first_chunk` in seconds, messages as JSON text or structured values, and
 * the v1.26 content events. Shared with the vocabularies that adopted these keys.
 */
export function readGenAi(d: CallDraft): boolean {
  const op = asString(d.get('gen_ai.operation.name'));
  if (op !== null) {
    if (!CALL_OPERATIONS.has(op)) return false;
    d.set('operation', normalizeOperation(op), 'gen_ai.operation.name');
  } else if (!d.has('gen_ai.request.model') && !d.has('gen_ai.response.model')) {
    return false;
  } else {
    // Before v1.27 the operation was optional; a span with a model and no operation was a chat.
    d.set('operation', 'chat', 'assumed: gen_ai model without gen_ai.operation.name');
  }
  readGenAiFields(d);
  return true;
}

// The keys each field is read from, made once: every call at ingest is read through them.
const PROVIDER_KEYS = ['gen_ai.provider.name', 'gen_ai.system'];
const REQUEST_MODEL_KEYS = ['gen_ai.request.model'];
const MODEL_KEYS = ['gen_ai.response.model'];
const REQUEST_ID_KEYS = ['gen_ai.response.id'];
const STREAM_KEYS = ['gen_ai.request.stream'];
const FIRST_CHUNK_KEYS = ['gen_ai.response.time_to_first_chunk', 'gen_ai.client.operation.time_to_first_chunk'];
const FINISH_REASON_KEYS = ['gen_ai.response.finish_reasons'];

/** Seconds to the first chunk, in ms. */
function firstChunkMs(v: AnyValue | undefined): number | null {
  const s = asNumber(v);
  return s === null ? null : s * 1000;
}

/** Every OTel GenAI field but the operation: also the fallback for other vocabularies. */
export function readGenAiFields(d: CallDraft): void {
  providerFields(d, PROVIDER_KEYS);
  d.take('requestModel', REQUEST_MODEL_KEYS, asString);
  d.take('model', MODEL_KEYS, asString);
  d.take('requestId', REQUEST_ID_KEYS, asString);
  d.take('isStreaming', STREAM_KEYS, asBool);
  readGenAiUsage(d);
  // Logfire's `gen_ai.usage.raw` (the provider's usage JSON): cache and reasoning counts the
  // dedicated keys above did not carry.
  readGenAiUsageRaw(d);
  if (d.take('ttftMs', FIRST_CHUNK_KEYS, firstChunkMs))
    // Only a streamed response has a first chunk (pydantic-ai sends no stream flag).
    d.set('isStreaming', true, 'derived: a time to first chunk was recorded');
  readServerTtft(d);
  readSourceCost(d);
  readFinishReasons(d, FINISH_REASON_KEYS);
  readSessionAndUser(d);
}

/** The OTel GenAI content: messages (attributes or the older events), tool calls, parameters. */
export function readGenAiContent(d: CallDraft): void {
  readGenAiMessages(d);
  readContentEvents(d);
  readDetailsEvents(d);
  readInputMessageEvents(d);
  readChoiceEvents(d);
  deriveFinishReasons(d);
  deriveToolCalls(d);
  readGenAiParameters(d);
}

export const otelGenAi: Vocabulary = {
  name: 'otel-genai',
  detect: (_span: Span, prefixes: number) => (prefixes & KeyPrefix.GenAi) !== 0,
  read: readGenAi,
  readContent: readGenAiContent,
};
