import type { AnyValue, Attributes } from '../model/any-value.js';
import type { LlmCall, Message, Provenance } from './llm-call.js';
import { messageFromPlain, messagesFromPlain, toolCallsOf } from './messages.js';
import { finishReasonsOf } from './readers.js';
import { asStructured, toPlain } from './values.js';

/** A GenAI content event, as a log record (or a span event) carries it. */
export interface ContentEvent {
  readonly name: string;
  readonly timeUnixNano: bigint;
  readonly attributes: Attributes;
  readonly body: AnyValue;
}

/** Input-message events (OTel GenAI v1.28–1.36) and the role each gives its message. */
const INPUT_EVENTS: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};
const CHOICE_EVENT = 'gen_ai.choice';
/** OTel GenAI v1.37+: one event with the whole exchange in its attributes. */
const DETAILS_EVENT = 'gen_ai.client.inference.operation.details';

/** Whether an event is one this module reads. */
export function isContentEvent(name: string): boolean {
  return name in INPUT_EVENTS || name === CHOICE_EVENT || name === DETAILS_EVENT;
}

export interface EventMessages {
  readonly inputMessages: Message[] | null;
  readonly outputMessages: Message[] | null;
}

/**
 * The messages a call's content events carry, in time order: one input message per
 * `gen_ai.{system,user,assistant,tool}.message`, one output message per `gen_ai.choice`, or
 * both lists from `gen_ai.client.inference.operation.details`. Events recorded without
 * content (instrumentations send them with empty bodies unless content capture is on) give
 * no message.
 */
export function messagesFromEvents(events: readonly ContentEvent[]): EventMessages {
  const ordered = [...events].sort((a, b) => (a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0));
  const input: Message[] = [];
  const output: Message[] = [];
  let details: EventMessages | null = null;
  for (const e of ordered) {
    const role = INPUT_EVENTS[e.name];
    if (role !== undefined) {
      const body = bodyObject(e.body);
      const plain: Record<string, unknown> = { ...body, role: typeof body.role === 'string' ? body.role : role };
      if (role === 'tool' && typeof body.id === 'string' && plain.tool_call_id === undefined) plain.tool_call_id = body.id;
      const m = messageFromPlain(plain);
      if (m?.parts.length) input.push(m);
    } else if (e.name === CHOICE_EVENT) {
      const body = bodyObject(e.body);
      const message = typeof body.message === 'object' && body.message !== null ? (body.message as Record<string, unknown>) : {};
      const m = messageFromPlain({ role: 'assistant', ...message, finish_reason: body.finish_reason ?? message.finish_reason });
      if (m && (m.parts.length || m.finishReason)) output.push(m);
    } else if (e.name === DETAILS_EVENT && details === null) {
      details = {
        inputMessages: messagesFromPlain(asStructured(e.attributes['gen_ai.input.messages'])),
        outputMessages: messagesFromPlain(asStructured(e.attributes['gen_ai.output.messages'])),
      };
    }
  }
  return {
    inputMessages: input.length ? input : (details?.inputMessages ?? null),
    outputMessages: output.length ? output : (details?.outputMessages ?? null),
  };
}

/**
 * The call with messages from its content events where the span gave none, and what
 * derives from them (tool calls, finish reasons) where still unknown.
 */
export function withEventContent(call: LlmCall, events: readonly ContentEvent[]): LlmCall {
  if (events.length === 0 || (call.inputMessages && call.outputMessages)) return call;
  const found = messagesFromEvents(events);
  const provenance: Record<string, Provenance> = { ...call.provenance };
  const names = [...new Set(events.filter((e) => isContentEvent(e.name)).map((e) => e.name))].join(', ');
  const rule = { vocabulary: 'otel-genai', rule: `log events ${names}` };
  let { inputMessages, outputMessages, toolCalls, toolCallCount, finishReasons } = call;
  if (!inputMessages && found.inputMessages) {
    inputMessages = found.inputMessages;
    provenance.inputMessages = rule;
  }
  if (!outputMessages && found.outputMessages) {
    outputMessages = found.outputMessages;
    provenance.outputMessages = rule;
    const calls = toolCallsOf(found.outputMessages);
    if (!toolCalls && calls.length) {
      toolCalls = calls;
      provenance.toolCalls = { vocabulary: 'otel-genai', rule: 'tool_call parts of event messages' };
      if (toolCallCount === null) {
        toolCallCount = calls.length;
        provenance.toolCallCount = { vocabulary: 'otel-genai', rule: 'derived: number of tool calls' };
      }
    }
    const reasons = finishReasonsOf(found.outputMessages);
    if (!finishReasons && reasons.length) {
      finishReasons = reasons;
      provenance.finishReasons = { vocabulary: 'otel-genai', rule: 'finish_reason of gen_ai.choice events' };
    }
  }
  return { ...call, inputMessages, outputMessages, toolCalls, toolCallCount, finishReasons, provenance };
}

function bodyObject(body: AnyValue): Record<string, unknown> {
  const plain = typeof body === 'string' ? (asStructured(body) ?? { content: body }) : toPlain(body);
  return typeof plain === 'object' && plain !== null && !Array.isArray(plain) ? (plain as Record<string, unknown>) : {};
}
