import { type AnyValue, newAttributes } from '../model/any-value.js';
import { nanosToMs } from '../model/time.js';
import type { CallDraft } from './call-draft.js';
import type { Message } from './llm-call.js';
import { messagesFromAttribute, messagesFromPlain, systemMessage, toolCallsOf } from './messages.js';
import { asInt, asString, asStrings, asStructured } from './values.js';

/** Field readers shared by vocabularies that use the same keys. */

export const TOKEN_KEYS = {
  input: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'],
  output: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'],
  total: ['gen_ai.usage.total_tokens'],
  // `gen_ai.usage.details.*` is pydantic-ai's: its usage fields and the provider's extra details.
  cacheRead: ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens', 'gen_ai.usage.details.cache_read_tokens'],
  cacheWrite: [
    'gen_ai.usage.cache_write.input_tokens',
    'gen_ai.usage.cache_creation.input_tokens',
    'gen_ai.usage.cache_creation_input_tokens',
    // Strands Agents' spelling.
    'gen_ai.usage.cache_write_input_tokens',
    'gen_ai.usage.details.cache_write_tokens',
  ],
  reasoning: ['gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning_tokens', 'gen_ai.usage.details.reasoning_tokens'],
} as const;

/** The OpenTelemetry GenAI usage keys, every version and spelling. */
export function readGenAiUsage(d: CallDraft): void {
  d.take('inputTokens', TOKEN_KEYS.input, asInt);
  d.take('outputTokens', TOKEN_KEYS.output, asInt);
  d.take('totalTokens', TOKEN_KEYS.total, asInt);
  d.take('cacheReadTokens', TOKEN_KEYS.cacheRead, asInt);
  d.take('cacheWriteTokens', TOKEN_KEYS.cacheWrite, asInt);
  d.take('reasoningTokens', TOKEN_KEYS.reasoning, asInt);
}

/** `gen_ai.request.*` parameters (everything but the model and the stream flag). */
export function readGenAiParameters(d: CallDraft): void {
  for (const key in d.attrs) {
    if (!key.startsWith('gen_ai.request.')) continue;
    const name = key.slice('gen_ai.request.'.length);
    if (name === 'model' || name === 'stream') continue;
    setParameter(d, name, d.attrs[key], key);
  }
}

export function setParameter(d: CallDraft, name: string, value: unknown, rule: string): void {
  const params = (d.fields.parameters ??= newAttributes()) as Record<string, unknown>;
  // An empty string is an instrumentation filling in a parameter the app never set (OpenLIT's user).
  if (name in params || value === undefined || value === null || value === '') return;
  params[name] = value;
  d.provenance[`parameters.${name}`] = { vocabulary: d.vocabulary, rule };
}

/** Finish reasons as a list, whichever form the source used. */
export function readFinishReasons(d: CallDraft, keys: readonly string[]): void {
  d.take('finishReasons', keys, normalizedReasons);
}

/** A finish-reasons value as strings, normalized in place (`asStrings` gives a new array). */
function normalizedReasons(v: AnyValue | undefined): string[] | null {
  const reasons = asStrings(v);
  if (reasons !== null) for (let i = 0; i < reasons.length; i++) reasons[i] = normalizeFinishReason(reasons[i] as string);
  return reasons;
}

/** One spelling for finish reasons: Vercel's hyphenated values, OTel's `tool_call` … */
export function normalizeFinishReason(reason: string): string {
  const lower = reason.toLowerCase();
  const r = lower.includes('-') ? lower.replace(/-/g, '_') : lower;
  if (r === 'tool_call' || r === 'function_call' || r === 'tool_use') return 'tool_calls';
  if (r === 'end_turn' || r === 'stop_sequence' || r === 'finish_reason_stop') return 'stop';
  if (r === 'max_tokens') return 'length';
  return r;
}

/** OTel GenAI messages: `gen_ai.input.messages` (+ system instructions) and `gen_ai.output.messages`. */
export function readGenAiMessages(d: CallDraft): void {
  const found = genAiMessages((key) => d.get(key));
  d.set('inputMessages', found.input, found.inputRule);
  d.set('outputMessages', found.output, 'gen_ai.output.messages');
}

/** The OTel GenAI message keys read through `get` (a span's attributes, or an event's). */
export function genAiMessages(get: (key: string) => AnyValue | undefined): {
  input: Message[] | null;
  inputRule: string;
  output: Message[] | null;
} {
  const input = messagesFromAttribute(get('gen_ai.input.messages'));
  const system = get('gen_ai.system_instructions');
  const sys = system === undefined ? null : systemMessage(system);
  // OpenLIT sends the system prompt both ways: keep it once.
  const repeated = sys !== null && (input ?? []).some((m) => m.role === 'system' && sameText(m, sys));
  const withSystem = sys !== null && !repeated;
  return {
    input: withSystem ? [sys, ...(input ?? [])] : input,
    inputRule: withSystem ? 'gen_ai.system_instructions + gen_ai.input.messages' : 'gen_ai.input.messages',
    output: messagesFromAttribute(get('gen_ai.output.messages')),
  };
}

/** Whether two messages say the same text. */
function sameText(a: Message, b: Message): boolean {
  const text = (m: Message) => m.parts.map((p) => (p.type === 'text' ? p.content : JSON.stringify(p))).join('');
  return text(a) === text(b);
}

/**
 * The older content form (OTel v1.26–1.27): span events `gen_ai.content.prompt` and
 * `gen_ai.content.completion` with `gen_ai.prompt` / `gen_ai.completion` JSON.
 */
export function readContentEvents(d: CallDraft): void {
  for (const e of d.span.events) {
    if (e.name === 'gen_ai.content.prompt')
      d.set('inputMessages', messagesFromPlain(asStructured(e.attributes['gen_ai.prompt'])), 'event gen_ai.content.prompt');
    if (e.name === 'gen_ai.content.completion') {
      const messages = messagesFromPlain(asStructured(e.attributes['gen_ai.completion']));
      d.set(
        'outputMessages',
        messages?.map((m) => (m.role === 'user' ? { ...m, role: 'assistant' } : m)) ?? null,
        'event gen_ai.content.completion',
      );
    }
  }
}

/** Tool calls and their count from the output messages, when nothing gave them already. */
export function deriveToolCalls(d: CallDraft): void {
  const calls = toolCallsOf(d.fields.outputMessages ?? null);
  if (calls.length === 0) return;
  d.set('toolCalls', calls, 'tool_call parts of output messages');
  d.set('toolCallCount', calls.length, 'derived: number of tool calls');
}

/** Finish reasons carried on output messages (deprecated there in OTel, but still sent). */
export function deriveFinishReasons(d: CallDraft): void {
  const reasons = finishReasonsOf(d.fields.outputMessages ?? []);
  if (reasons.length) d.set('finishReasons', reasons, 'finish_reason of output messages');
}

/** The finish reasons output messages carry, normalized. */
export function finishReasonsOf(messages: readonly Message[]): string[] {
  return messages
    .map((m) => m.finishReason)
    .filter((r): r is string => !!r)
    .map(normalizeFinishReason);
}

/** Session and user keys most vocabularies share, as fallbacks. */
export function readSessionAndUser(d: CallDraft): void {
  d.take('sessionId', SESSION_KEYS, asString);
  d.take('userId', USER_KEYS, asString);
}

const SESSION_KEYS = ['session.id', 'gen_ai.conversation.id'];
const USER_KEYS = ['user.id', 'enduser.id'];

/** TTFT from an event whose time marks the first token. */
export function ttftFromEvent(d: CallDraft, eventName: string): void {
  const e = d.span.events.find((x) => x.name === eventName);
  if (e && e.timeUnixNano >= d.span.startTimeUnixNano)
    d.set('ttftMs', nanosToMs(e.timeUnixNano - d.span.startTimeUnixNano), `event "${eventName}" time - span start`);
}
