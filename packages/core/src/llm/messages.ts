import type { AnyValue, Attributes } from '../model/any-value.js';
import { fromPlain } from '../model/any-value.js';
import { bedrockPart } from './bedrock-blocks.js';
import type { Message, MessagePart, ToolCall } from './llm-call.js';
import { asStructured, toPlain } from './values.js';

/**
 * Messages in one shape, `{role, parts}` (OpenTelemetry GenAI v1.37+), from the shapes
 * sources use: OTel parts, OpenAI chat messages (also used by OTel ≤1.27 and log events,
 * OpenLLMetry's JSON and Langfuse), Vercel AI SDK messages, and the flattened, indexed
 * attributes of OpenInference and OpenLLMetry.
 */

type Plain = Record<string, unknown>;

const isObject = (v: unknown): v is Plain => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Messages from a JSON-ish value (parsed already): an array of messages in any known shape. */
export function messagesFromPlain(value: unknown): Message[] | null {
  let list = value;
  if (isObject(list) && Array.isArray(list.messages)) list = list.messages;
  if (typeof list === 'string') return [{ role: 'user', parts: [{ type: 'text', content: list }] }];
  if (!Array.isArray(list)) return null;
  const out: Message[] = [];
  for (const item of list) {
    const m = messageFromPlain(item);
    if (m) out.push(m);
  }
  return out.length ? out : null;
}

/** One message in any known shape. */
export function messageFromPlain(item: unknown): Message | null {
  if (typeof item === 'string') return { role: 'user', parts: [{ type: 'text', content: item }] };
  if (!isObject(item)) return null;
  const role = str(item.role) ?? 'user';
  const parts: MessagePart[] = [];
  if (Array.isArray(item.parts)) for (const p of item.parts) pushPart(parts, p);
  if (typeof item.content === 'string') parts.push({ type: 'text', content: item.content });
  else if (Array.isArray(item.content)) for (const p of item.content) pushPart(parts, p);
  if (Array.isArray(item.tool_calls)) {
    for (const call of item.tool_calls) {
      if (!isObject(call)) continue;
      const fn = isObject(call.function) ? call.function : call;
      parts.push({ type: 'tool_call', id: str(call.id), name: str(fn.name) ?? '', arguments: argumentsOf(fn.arguments) });
    }
  }
  if (role === 'tool' && typeof item.tool_call_id === 'string' && parts.length && parts.every((p) => p.type === 'text')) {
    const text = parts.map((p) => (p as { content: string }).content).join('');
    return { role, parts: [{ type: 'tool_call_response', id: item.tool_call_id, response: text }] };
  }
  const finish = str(item.finish_reason) ?? str(item.finishReason);
  return finish ? { role, parts, finishReason: finish } : { role, parts };
}

function pushPart(parts: MessagePart[], p: unknown): void {
  if (typeof p === 'string') {
    parts.push({ type: 'text', content: p });
    return;
  }
  if (!isObject(p)) return;
  // Bedrock Converse blocks have no type: their one key (toolUse, toolResult, reasoningContent) says what they are.
  if (p.type === undefined && p.text === undefined && p.content === undefined) {
    parts.push(...bedrockPart(p));
    return;
  }
  const type = str(p.type) ?? 'text';
  switch (type) {
    case 'text':
    case 'input_text':
    case 'output_text':
      parts.push({ type: 'text', content: str(p.content) ?? str(p.text) ?? '' });
      return;
    case 'reasoning':
    case 'thinking':
      parts.push({ type: 'reasoning', content: str(p.content) ?? str(p.text) ?? str(p.thinking) ?? '' });
      return;
    case 'tool_call':
    case 'tool-call':
    case 'tool_use':
    case 'function_call':
      parts.push({
        type: 'tool_call',
        id: str(p.id) ?? str(p.toolCallId) ?? str(p.call_id),
        name: str(p.name) ?? str(p.toolName) ?? '',
        arguments: argumentsOf(p.arguments ?? p.args ?? p.input),
      });
      return;
    case 'tool_call_response':
    case 'tool-result':
    case 'tool_result':
    case 'function_call_output':
      parts.push({
        type: 'tool_call_response',
        id: str(p.id) ?? str(p.toolCallId) ?? str(p.tool_use_id) ?? str(p.call_id),
        response: fromPlain(p.response ?? p.result ?? p.output ?? p.content),
      });
      return;
    default: {
      const rest = Object.create(null) as Record<string, AnyValue>;
      for (const [k, v] of Object.entries(p)) if (k !== 'type') rest[k] = fromPlain(v);
      parts.push({ type, ...rest } as MessagePart);
    }
  }
}

/** Tool-call arguments: JSON text is parsed; anything else is kept as given. */
function argumentsOf(v: unknown): AnyValue {
  if (typeof v === 'string') {
    try {
      return fromPlain(JSON.parse(v));
    } catch {
      return v;
    }
  }
  return fromPlain(v);
}

/** Messages from an attribute holding OTel parts or OpenAI messages, as structured value or JSON text. */
export function messagesFromAttribute(v: AnyValue | undefined): Message[] | null {
  return messagesFromPlain(asStructured(v));
}

/** `gen_ai.system_instructions`: parts (or text) that make one system message. */
export function systemMessage(v: AnyValue | undefined): Message | null {
  const value = asStructured(v) ?? (typeof v === 'string' ? v : null);
  if (typeof value === 'string') return { role: 'system', parts: [{ type: 'text', content: value }] };
  if (!Array.isArray(value)) return null;
  const parts: MessagePart[] = [];
  for (const p of value) pushPart(parts, p);
  return parts.length ? { role: 'system', parts } : null;
}

/** Whether any attribute is an indexed `prefix.{i}.rest` one (what {@link indexedObjects} would group), without building them. */
export function hasIndexed(attrs: Attributes, prefix: string): boolean {
  const head = `${prefix}.`;
  for (const key in attrs) if (key.startsWith(head) && /^\d+\../.test(key.slice(head.length))) return true;
  return false;
}

/**
 * Groups flattened, indexed attributes: `prefix.{i}.rest` → one plain object per index, with
 * `rest` split on dots into nested objects (`message.tool_calls.0.tool_call.id` …). Numeric
 * path segments become array positions.
 */
export function indexedObjects(attrs: Attributes, prefix: string): Plain[] {
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.(.+)$`);
  const byIndex = new Map<number, Plain>();
  for (const key in attrs) {
    const m = re.exec(key);
    if (!m) continue;
    const index = Number(m[1]);
    let obj = byIndex.get(index);
    if (!obj) byIndex.set(index, (obj = {}));
    setPath(obj, (m[2] as string).split('.'), toPlain(attrs[key] as AnyValue));
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, o]) => o);
}

function setPath(obj: Plain, path: string[], value: unknown): void {
  let cur: Plain = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i] as string;
    if (!isObject(cur[seg]) && !Array.isArray(cur[seg])) cur[seg] = {};
    cur = cur[seg] as Plain;
  }
  cur[path[path.length - 1] as string] = value;
}

/** Indexed objects keyed by position (`{0: …, 1: …}`) as an array in index order. */
function listOf(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (!isObject(v)) return [];
  return Object.keys(v)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => v[k]);
}

/** OpenInference `llm.input_messages` / `llm.output_messages`. */
export function openInferenceMessages(attrs: Attributes, prefix: string): Message[] | null {
  const out: Message[] = [];
  for (const entry of indexedObjects(attrs, prefix)) {
    const m = isObject(entry.message) ? entry.message : entry;
    const parts: MessagePart[] = [];
    if (typeof m.content === 'string') parts.push({ type: 'text', content: m.content });
    for (const c of listOf(m.contents)) {
      const mc = isObject(c) && isObject(c.message_content) ? c.message_content : null;
      if (!mc) continue;
      if (mc.type === 'image') {
        const url = isObject(mc.image) && isObject(mc.image.image) ? str(mc.image.image.url) : null;
        parts.push({ type: 'uri', modality: 'image', uri: url ?? '' });
      } else parts.push({ type: 'text', content: str(mc.text) ?? '' });
    }
    for (const c of listOf(m.tool_calls)) {
      const tc = isObject(c) && isObject(c.tool_call) ? c.tool_call : null;
      if (!tc) continue;
      const fn = isObject(tc.function) ? tc.function : {};
      parts.push({ type: 'tool_call', id: str(tc.id), name: str(fn.name) ?? '', arguments: argumentsOf(fn.arguments) });
    }
    const role = str(m.role) ?? 'user';
    if (role === 'tool' && typeof m.tool_call_id === 'string') {
      const text = parts.map((p) => ('content' in p && typeof p.content === 'string' ? p.content : '')).join('');
      out.push({ role, parts: [{ type: 'tool_call_response', id: m.tool_call_id, response: text }] });
    } else if (parts.length) out.push({ role, parts });
  }
  return out.length ? out : null;
}

/**
 * OpenLLMetry's legacy indexed form (`gen_ai.prompt.{i}.*`, `gen_ai.completion.{i}.*`, and the
 * older `llm.prompts.{i}.*`): role, content (a JSON string when it was a list), tool calls.
 */
export function indexedChatMessages(attrs: Attributes, prefix: string): Message[] | null {
  const out: Message[] = [];
  for (const entry of indexedObjects(attrs, prefix)) {
    const role = str(entry.role) ?? (prefix.includes('completion') ? 'assistant' : 'user');
    const content = entry.content ?? entry.user;
    const parts: MessagePart[] = [];
    if (typeof content === 'string') {
      const parsed = content.trim().startsWith('[') ? asStructured(content) : null;
      if (Array.isArray(parsed)) for (const p of parsed) pushPart(parts, p);
      else parts.push({ type: 'text', content });
    }
    for (const c of listOf(entry.tool_calls)) {
      if (!isObject(c)) continue;
      parts.push({ type: 'tool_call', id: str(c.id), name: str(c.name) ?? '', arguments: argumentsOf(c.arguments) });
    }
    const finish = str(entry.finish_reason);
    if (role === 'tool' && typeof entry.tool_call_id === 'string') {
      out.push({
        role,
        parts: [{ type: 'tool_call_response', id: entry.tool_call_id, response: typeof content === 'string' ? content : '' }],
      });
    } else out.push(finish ? { role, parts, finishReason: finish } : { role, parts });
  }
  return out.length ? out : null;
}

/** The tool calls in output messages. */
export function toolCallsOf(messages: readonly Message[] | null): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const m of messages ?? []) {
    for (const p of m.parts) {
      if (p.type === 'tool_call') {
        const tc = p as { id: string | null; name: string; arguments: AnyValue };
        calls.push({ id: tc.id, name: tc.name, arguments: tc.arguments });
      }
    }
  }
  return calls;
}

/** An assistant message holding plain text. */
export function textMessage(role: string, text: string): Message {
  return { role, parts: [{ type: 'text', content: text }] };
}
