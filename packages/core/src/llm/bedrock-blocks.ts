import { fromPlain } from '../model/any-value.js';
import type { MessagePart } from './llm-call.js';

type Plain = Record<string, unknown>;
const isObject = (v: unknown): v is Plain => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A Bedrock Converse content block as message parts (`text`, `toolUse`, `toolResult`, `reasoningContent`; others are dropped). */
export function bedrockPart(block: unknown): MessagePart[] {
  if (!isObject(block)) return [];
  if (typeof block.text === 'string') return [{ type: 'text', content: block.text }];
  if (isObject(block.toolUse)) {
    const use = block.toolUse;
    return [
      {
        type: 'tool_call',
        id: typeof use.toolUseId === 'string' ? use.toolUseId : null,
        name: typeof use.name === 'string' ? use.name : '',
        arguments: fromPlain(use.input ?? null),
      },
    ];
  }
  if (isObject(block.toolResult)) {
    const result = block.toolResult;
    const content = Array.isArray(result.content) ? result.content : [];
    const texts = content.map((c) => (isObject(c) && typeof c.text === 'string' ? c.text : null));
    const response = texts.every((t) => t !== null) ? texts.join('') : fromPlain(content);
    return [{ type: 'tool_call_response', id: typeof result.toolUseId === 'string' ? result.toolUseId : null, response }];
  }
  if (isObject(block.reasoningContent)) {
    const text = isObject(block.reasoningContent.reasoningText) ? block.reasoningContent.reasoningText.text : null;
    return typeof text === 'string' ? [{ type: 'reasoning', content: text }] : [];
  }
  return [];
}
