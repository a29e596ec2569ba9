import { describe, expect, it } from 'vitest';
import { fromPlain, newAttributes } from '../model/any-value.js';
import { type ContentEvent, messagesFromEvents } from './content-events.js';

const event = (name: string, body: unknown, t: number, attributes: Record<string, unknown> = {}): ContentEvent => ({
  name,
  timeUnixNano: BigInt(t),
  body: fromPlain(body),
  attributes: Object.assign(newAttributes(), fromPlain(attributes) as object),
});

describe('GenAI content events', () => {
  it('turns message and choice events into input and output messages, in time order', () => {
    const { inputMessages, outputMessages } = messagesFromEvents([
      event(
        'gen_ai.choice',
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: { tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        },
        5,
      ),
      event('gen_ai.user.message', { content: 'Weather in Paris?' }, 2),
      event('gen_ai.system.message', { content: 'Be brief.' }, 1),
      event('gen_ai.tool.message', { content: '18°C', id: 'c0' }, 3),
    ]);
    expect(inputMessages).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c0', response: '18°C' }] },
    ]);
    expect(outputMessages).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: fromPlain({ city: 'Paris' }) }],
        finishReason: 'tool_calls',
      },
    ]);
  });

  it('gives no message for events recorded without content', () => {
    const found = messagesFromEvents([event('gen_ai.user.message', {}, 1), event('gen_ai.system.message', null, 2)]);
    expect(found).toEqual({ inputMessages: null, outputMessages: null });
  });

  it('reads the v1.37 operation details event', () => {
    const found = messagesFromEvents([
      event('gen_ai.client.inference.operation.details', null, 1, {
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }]),
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }], finish_reason: 'stop' },
        ]),
      }),
    ]);
    expect(found.inputMessages?.[0]?.parts).toEqual([{ type: 'text', content: 'Hi' }]);
    expect(found.outputMessages?.[0]).toMatchObject({ role: 'assistant', finishReason: 'stop' });
  });
});
