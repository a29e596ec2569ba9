import { describe, expect, it } from 'vitest';
import type { Message } from '../api/types';
import { newInput } from './new-messages';

const msg = (role: string, content: string): Message => ({ role, parts: [{ type: 'text', content }] });
const roles = (messages: Message[]) => messages.map((m) => `${m.role}:${m.parts[0]?.content}`);

describe('a session turn shows only what is new in its call', () => {
  it('the first call of a conversation: its user message, not the system prompt', () => {
    expect(roles(newInput([msg('system', 'be brief'), msg('user', 'hi')]))).toEqual(['user:hi']);
  });

  it('a call after a tool call: the tool results, not the user message again', () => {
    const history = [msg('system', 's'), msg('user', 'why two charges?'), msg('assistant', 'search'), msg('tool', 'found')];
    expect(roles(newInput(history))).toEqual(['tool:found']);
  });

  it('the next request of a session: the new user message after the last answer', () => {
    const history = [msg('user', 'a'), msg('assistant', 'b'), msg('user', 'c')];
    expect(roles(newInput(history))).toEqual(['user:c']);
  });

  it('a history that ends with an assistant message falls back to the last user message', () => {
    expect(roles(newInput([msg('user', 'a'), msg('assistant', 'prefill')]))).toEqual(['user:a', 'assistant:prefill']);
  });

  it('nothing recorded', () => {
    expect(newInput(null)).toEqual([]);
  });
});
