import type { Message } from '../api/types';

/**
 * The messages new in this turn: what follows the history's last assistant message (tool
 * results, the next user message), or else the last user message.
 */
export function newInput(messages: readonly Message[] | null): Message[] {
  if (!messages?.length) return [];
  const lastAssistant = messages.findLastIndex((m) => m.role === 'assistant');
  let from = lastAssistant + 1;
  if (lastAssistant < 0 || from >= messages.length) {
    from = messages.length - 1;
    while (from > 0 && messages[from]?.role !== 'user') from--;
  }
  return messages.slice(from).filter((m) => m.role !== 'system');
}
