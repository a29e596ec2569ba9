import { callServer, errorOf } from '../server-client.js';
import type { LiveCall } from './live-call.js';

/** Calls `--since` reads back at most, oldest first. */
export const MAX_HISTORY = 10_000;
const PAGE = 1_000;

/**
 * The calls since `start` (ISO or a duration before now such as `1h`) that match the filters,
 * oldest first, up to {@link MAX_HISTORY} (the newest of them when there are more). Throws the
 * server's message when it refuses.
 */
export async function recentCalls(url: string, filters: URLSearchParams, start: string): Promise<LiveCall[]> {
  const calls: LiveCall[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams(filters);
    q.set('start', start);
    q.set('order_by', 'timestamp:desc');
    q.set('limit', String(PAGE));
    if (cursor) q.set('cursor', cursor);
    const answer = await callServer<{ data: LiveCall[]; next_cursor: string | null }>(url, `/api/llm-calls?${q}`, { method: 'GET' });
    if (!answer.ok || !answer.body) throw new Error(errorOf(answer));
    calls.push(...answer.body.data);
    cursor = answer.body.next_cursor;
  } while (cursor && calls.length < MAX_HISTORY);
  return calls.slice(0, MAX_HISTORY).reverse();
}
