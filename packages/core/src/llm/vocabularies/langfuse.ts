import { fromPlain } from '../../model/any-value.js';
import type { Span } from '../../model/span.js';
import { isoToNanos, nanosToMs } from '../../model/time.js';
import type { CallDraft } from '../call-draft.js';
import { KeyPrefix } from '../key-prefixes.js';
import { messagesFromPlain, textMessage } from '../messages.js';
import { providerFields } from '../provider-fields.js';
import { deriveToolCalls, readSessionAndUser, setParameter } from '../readers.js';
import { asNumber, asString, asStructured, parseJson } from '../values.js';
import type { Vocabulary } from '../vocabulary.js';

const P = 'langfuse.observation.';

const CACHE_READ = ['input_cached_tokens', 'cache_read_input_tokens', 'input_cache_read', 'cached_tokens', 'cache_read'];
const CACHE_WRITE = ['input_cache_creation', 'cache_creation_input_tokens', 'input_cache_write', 'cache_write', 'cache_creation'];
const REASONING = ['output_reasoning_tokens', 'output_reasoning', 'reasoning_tokens', 'reasoning'];

/**
 * Langfuse (`langfuse.observation.*`): generation observations are calls. Usage and cost are
 * JSON objects; in Langfuse's convention `input` excludes cached tokens and `output` excludes
 * reasoning tokens, so both are added back to give OTel's totals. The completion start time is
 * an absolute timestamp (sometimes JSON-quoted twice).
 */
export const langfuse: Vocabulary = {
  name: 'langfuse',
  detect: (span: Span, prefixes: number) => (prefixes & KeyPrefix.Langfuse) !== 0 || span.scope.name.startsWith('langfuse'),
  read(d: CallDraft): boolean {
    const type = asString(d.get(`${P}type`));
    if (type !== 'generation' && type !== 'embedding') return false;
    d.set('operation', type === 'embedding' ? 'embeddings' : 'chat', `${P}type ${type}`);
    const model = asString(d.get(`${P}model.name`));
    d.set('requestModel', model, `${P}model.name`);
    d.set('model', model, `${P}model.name`);
    providerFields(d, ['gen_ai.provider.name', 'gen_ai.system', 'ai.model.provider'], { vercel: d.has('ai.model.provider') });

    const usage = jsonObject(d.get(`${P}usage_details`));
    if (usage) {
      const num = (keys: readonly string[]) => {
        for (const k of keys) if (typeof usage[k] === 'number') return { value: usage[k] as number, key: k };
        return null;
      };
      const cacheRead = num(CACHE_READ);
      const cacheWrite = num(CACHE_WRITE);
      const reasoning = num(REASONING);
      const input = num(['input', 'prompt_tokens', 'input_tokens']);
      const output = num(['output', 'completion_tokens', 'output_tokens']);
      if (cacheRead) d.set('cacheReadTokens', cacheRead.value, `${P}usage_details.${cacheRead.key}`);
      if (cacheWrite) d.set('cacheWriteTokens', cacheWrite.value, `${P}usage_details.${cacheWrite.key}`);
      if (reasoning) d.set('reasoningTokens', reasoning.value, `${P}usage_details.${reasoning.key}`);
      if (input) {
        const cached = (cacheRead?.value ?? 0) + (cacheWrite?.value ?? 0);
        d.set(
          'inputTokens',
          input.value + cached,
          cached ? `${P}usage_details.${input.key} + cached (Langfuse input excludes cached)` : `${P}usage_details.${input.key}`,
        );
      }
      if (output) {
        d.set(
          'outputTokens',
          output.value + (reasoning?.value ?? 0),
          reasoning
            ? `${P}usage_details.${output.key} + reasoning (Langfuse output excludes reasoning)`
            : `${P}usage_details.${output.key}`,
        );
      }
      if (typeof usage.total === 'number') d.set('totalTokens', usage.total, `${P}usage_details.total`);
    }

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

    if (asString(d.get(`${P}level`)) === 'ERROR') {
      d.set('isError', true, `${P}level ERROR`);
      d.set('errorType', asString(d.get(`${P}status_message`)), `${P}status_message`);
    }
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
    if (params) for (const [k, v] of Object.entries(params)) setParameter(d, k, fromPlain(v), `${P}model.parameters.${k}`);
  },
};

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
