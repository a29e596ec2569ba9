import type { AnyValue, Attributes } from '../model/any-value.js';
import type { CallDraft } from './call-draft.js';
import type { Message } from './llm-call.js';
import { messageFromPlain } from './messages.js';
import { genAiMessages } from './readers.js';
import { asStructured } from './values.js';

/** Input-message span events (OTel GenAI v1.28–1.36) and the role each gives its message. */
const INPUT_EVENTS: Readonly<Record<string, string>> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};
const DETAILS_EVENT = 'gen_ai.client.inference.operation.details';

/**
 * Input messages from span events `gen_ai.{system,user,assistant,tool}.message`, in time order,
 * where the attributes gave none. Strands Agents records them so, their `content` the JSON of
 * Bedrock Converse blocks (`[{"text": …}]`, `toolUse`, `toolResult`); others send plain text or
 * an OpenAI-style message.
 */
export function readInputMessageEvents(d: CallDraft): void {
  if (d.fields.inputMessages) return;
  const messages: Message[] = [];
  for (const e of timeOrdered(d.span.events)) {
    const role = INPUT_EVENTS[e.name];
    if (role === undefined) continue;
    const m = eventMessage(role, e.attributes);
    if (m) messages.push(m);
  }
  if (messages.length) d.set('inputMessages', messages, 'events gen_ai.*.message');
}

/**
 * OTel GenAI v1.37+'s `gen_ai.client.inference.operation.details` span events, read like the
 * span's own attributes. Strands Agents sends several, one key each (system instructions,
 * input, output): their attributes are merged.
 */
export function readDetailsEvents(d: CallDraft): void {
  const merged: Record<string, AnyValue> = {};
  for (const e of d.span.events) if (e.name === DETAILS_EVENT) Object.assign(merged, e.attributes);
  if (Object.keys(merged).length === 0) return;
  const found = genAiMessages((key) => merged[key]);
  d.set('inputMessages', found.input, `event ${DETAILS_EVENT} ${found.inputRule}`);
  d.set('outputMessages', found.output, `event ${DETAILS_EVENT} gen_ai.output.messages`);
}

function eventMessage(role: string, attributes: Attributes): Message | null {
  const raw = attributes.content;
  const content = asStructured(raw) ?? (typeof raw === 'string' ? raw : null);
  const m = messageFromPlain({ role, content, tool_call_id: attributes.id ?? undefined });
  return m?.parts.length ? m : null;
}

function timeOrdered<T extends { readonly timeUnixNano: bigint }>(events: readonly T[]): T[] {
  return [...events].sort((a, b) => (a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0));
}
