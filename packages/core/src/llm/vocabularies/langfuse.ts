import { fromPlain } from '../../model/any-value.js';
import type { Span } from '../../model/span.js';
import { isoToNanos, nanosToMs } from '../../model/time.js';
import type { CallDraft } from '../call-draft.js';
import { errorOfStatusMessage } from '../error-of-status-message.js';
import { KeyPrefix } from '../key-prefixes.js';
import { messagesFromPlain, textMessage } from '../messages.js';
import { providerFields } from '../provider-fields.js';
import { deriveToolCalls, normalizeFinishReason, readSessionAndUser, setParameter } from '../readers.js';
import { asNumber, asString, asStrings, asStructured, parseJson } from '../values.js';
import type { Vocabulary } from '../vocabulary.js';
import { readLangfuseUsage } from './langfuse-usage.js';

const P = 'langfuse.observation.';

/** Observation metadata keys that hold the finish reason (the Python SDK's OpenAI integration: `finish_reason`). */
/** The default observation names of the Python SDK's OpenAI integration. */
const OPENAI_INTEGRATION_NAMES = new Set(['OpenAI-generation', 'OpenAI-embedding']);

const FINISH_KEYS = ['finish_reason', 'finishReason', 'finish_reasons', 'stop_reason'];

/**
 * Langfuse (`langfuse.observation.*`): generation observations are calls. Usage and cost are
 * JSON objects; usage is in Langfuse's own keys or the provider's raw usage (see
 * `readLangfuseUsage`). The completion start time is an absolute timestamp (sometimes
 * JSON-quoted twice); the finish reason, when the SDK knows it, is in observation metadata.
 */
export const langfuse: Vocabulary = {
  name: 'langfuse',
  detect: (span: Span, prefixes: number) => (prefixes & KeyPrefix.Langfuse) !== 0 || span.scope.name.startsWith('langfuse'),
  read(d: CallDraft): boolean {
    const type = asString(d.get(`${P}type`));
    if (type !== 'generation' && type !== 'embedding') return false;
    d.set('operation', type === 'embedding' ? 'embeddings' : 'chat', `${P}type ${type}`);
    // Langfuse has one model field: its OpenAI integration sets the requested model, then
    // overwrites it with the served one from the response. A GenAI request model says more.
    const model = asString(d.get(`${P}model.name`));
    d.take('requestModel', ['gen_ai.request.model'], asString);
    d.set('requestModel', model, `${P}model.name (Langfuse keeps one model: the served one once answered)`);
    d.set('model', model, `${P}model.name`);
    providerFields(d, ['gen_ai.provider.name', 'gen_ai.system', 'ai.model.provider'], { vercel: d.has('ai.model.provider') });
    // The Python SDK's OpenAI integration names its observations so, and sets no provider key.
    if (OPENAI_INTEGRATION_NAMES.has(d.span.name))
      d.set('provider', 'openai', `span name "${d.span.name}" (Langfuse's OpenAI integration)`);

    const usage = jsonObject(d.get(`${P}usage_details`));
    if (usage) readLangfuseUsage(d, usage);

    const cost = jsonObject(d.get(`${P}cost_details`));
    if (cost) {
      const total = typeof cost.total === 'number' ? cost.total : sum(Object.values(cost));
      if (total !== null) {
        d.set('costUsd', total, `${P}cost_details`);
        d.set('costSource', 'source', `${P}cost_details`);
        const n = (k: string) => (typeof cost[k] === 'number' ? (cost[k] as number) : null);
        d.set(
          'costBreakdown',
          {
            input: n('input'),
            cacheRead: n('input_cached_tokens') ?? n('cache_read'),
            cacheWrite: n('input_cache_creation') ?? n('cache_write'),
            output: n('output'),
            reasoning: n('output_reasoning_tokens') ?? n('reasoning'),
          },
          `${P}cost_details`,
        );
      }
    } else {
      const total = asNumber(d.get('gen_ai.usage.cost')) ?? asNumber(d.get('llm.cost.total'));
      if (total !== null) {
        d.set('costUsd', total, d.has('gen_ai.usage.cost') ? 'gen_ai.usage.cost' : 'llm.cost.total');
        d.set('costSource', 'source', 'cost attribute');
      }
    }

    const start = completionStart(d.get(`${P}completion_start_time`));
    if (start !== null && start >= d.span.startTimeUnixNano) {
      d.set('ttftMs', nanosToMs(start - d.span.startTimeUnixNano), `${P}completion_start_time - span start`);
      d.set('isStreaming', true, `${P}completion_start_time is set`);
    }

    readFinishReason(d);
    if (asString(d.get(`${P}level`)) === 'ERROR') readError(d);
    d.take(
      'sessionId',
      ['session.id', 'langfuse.session.id', 'langfuse.trace.metadata.langfuse_session_id', `${P}metadata.langfuse_session_id`],
      asString,
    );
    d.take(
      'userId',
      ['user.id', 'langfuse.user.id', 'langfuse.trace.metadata.langfuse_user_id', `${P}metadata.langfuse_user_id`],
      asString,
    );
    readSessionAndUser(d);
    return true;
  },
  readContent(d: CallDraft): void {
    d.set('inputMessages', contentMessages(d.get(`${P}input`), 'user'), `${P}input`);
    d.set('outputMessages', contentMessages(d.get(`${P}output`), 'assistant'), `${P}output`);
    deriveToolCalls(d);

    const params = jsonObject(d.get(`${P}model.parameters`));
    if (!params) return;
    for (const [k, v] of Object.entries(params)) {
      // The Python SDK's OpenAI integration writes an unset max_tokens as float('inf'), "Infinity".
      if (v === 'Infinity') continue;
      setParameter(d, k, fromPlain(v), `${P}model.parameters.${k}`);
    }
  },
};

/** The finish reason in observation metadata; v5 SDKs JSON-encode every metadata value. */
function readFinishReason(d: CallDraft): void {
  for (const key of FINISH_KEYS) {
    const v = d.get(`${P}metadata.${key}`);
    if (v === undefined) continue;
    const parsed = typeof v === 'string' ? parseJson(v) : null;
    const reasons = typeof parsed === 'string' ? [parsed] : Array.isArray(parsed) ? asStrings(parsed.map(String)) : asStrings(v);
    if (d.set('finishReasons', reasons?.map(normalizeFinishReason), `${P}metadata.${key}`)) return;
  }
}

/**
 * An ERROR-level observation. Its status message is `str(exception)`, e.g. the whole
 * `Error code: 429 - {…body…}`: the error type is a short name for it, and an exception event's
 * type or `error.type` is preferred to the message's first line.
 */
function readError(d: CallDraft): void {
  d.set('isError', true, `${P}level ERROR`);
  const message = asString(d.get(`${P}status_message`));
  const error = message === null ? null : errorOfStatusMessage(message);
  if (error?.statusCode != null) d.set('statusCode', error.statusCode, `${P}status_message "Error code: ${error.statusCode}"`);
  if (error && error.kind !== 'text') {
    d.set(
      'errorType',
      error.type,
      `${P}status_message (${error.kind === 'name' ? 'a name' : "the openai SDK's error class for the HTTP status"})`,
    );
    return;
  }
  d.take('errorType', ['error.type'], asString);
  const exception = d.span.events.find((e) => e.name === 'exception');
  if (exception) d.set('errorType', asString(exception.attributes['exception.type']), 'exception event exception.type');
  d.set('errorType', error?.type, `${P}status_message (first line)`);
}

function jsonObject(v: unknown): Record<string, unknown> | null {
  const parsed = typeof v === 'string' ? parseJson(v) : null;
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
}

function sum(values: unknown[]): number | null {
  const nums = values.filter((v): v is number => typeof v === 'number');
  return nums.length ? nums.reduce((a, b) => a + b, 0) : null;
}

/** An ISO timestamp, possibly JSON-quoted once or twice. */
function completionStart(v: unknown): bigint | null {
  let text = typeof v === 'string' ? v : null;
  for (let i = 0; i < 2 && text?.startsWith('"'); i++) {
    const parsed = parseJson(text);
    text = typeof parsed === 'string' ? parsed : null;
  }
  return text === null ? null : isoToNanos(text);
}

/** Langfuse input/output: JSON (messages or anything) or plain text. */
function contentMessages(v: unknown, role: string) {
  if (typeof v !== 'string') return null;
  const parsed = asStructured(v);
  if (parsed === null) return [textMessage(role, v)];
  if (typeof parsed === 'string') return [textMessage(role, parsed)];
  const messages = messagesFromPlain(
    Array.isArray(parsed) || (typeof parsed === 'object' && parsed !== null && 'messages' in parsed) ? parsed : null,
  );
  if (messages) return role === 'assistant' ? messages.map((m) => (m.role === 'user' ? { ...m, role } : m)) : messages;
  if (typeof parsed === 'object' && parsed !== null && 'role' in parsed) return messagesFromPlain([parsed]);
  return [textMessage(role, typeof parsed === 'object' ? JSON.stringify(parsed) : String(parsed))];
}
