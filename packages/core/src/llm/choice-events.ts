import type { CallDraft } from './call-draft.js';
import type { Message } from './llm-call.js';
import { messageFromPlain, toolCallsOf } from './messages.js';
import { normalizeFinishReason } from './readers.js';
import { asString, asStructured } from './values.js';

/**
 * Output read from `gen_ai.choice` span events (OTel GenAI v1.28–1.36), as Strands Agents
 * records a model call: `finish_reason` (`end_turn`, `tool_use`, …) and `message`, the JSON of
 * the model's content blocks in Bedrock Converse form (`[{"text": …}, {"toolUse": {"toolUseId",
 * "name", "input"}}]`) — or, from other instrumentations, an OpenAI-style message. Gives the
 * output messages, finish reasons and tool calls where the span's attributes gave none.
 */
export function readChoiceEvents(d: CallDraft): void {
  const messages: Message[] = [];
  const reasons: string[] = [];
  for (const e of d.span.events) {
    if (e.name !== 'gen_ai.choice') continue;
    const finish = asString(e.attributes.finish_reason);
    if (finish !== null) reasons.push(normalizeFinishReason(finish));
    const m = choiceMessage(asStructured(e.attributes.message) ?? asString(e.attributes.message), finish);
    if (m) messages.push(m);
  }
  if (messages.length) d.set('outputMessages', messages, 'event gen_ai.choice');
  if (reasons.length) d.set('finishReasons', reasons, 'event gen_ai.choice finish_reason');
  const calls = toolCallsOf(messages);
  if (calls.length && d.set('toolCalls', calls, 'event gen_ai.choice toolUse blocks'))
    d.set('toolCallCount', calls.length, 'derived: number of tool calls');
}

/** One choice's message: Bedrock content blocks, an OpenAI-style message, or plain text. */
function choiceMessage(value: unknown, finish: string | null): Message | null {
  const plain = Array.isArray(value) || typeof value === 'string' ? { content: value } : value;
  if (plain === null || typeof plain !== 'object') return null;
  const message = messageFromPlain({ role: 'assistant', ...plain });
  if (!message?.parts.length) return null;
  return finish && !message.finishReason ? { ...message, finishReason: finish } : message;
}
