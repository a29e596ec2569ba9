import { authHeaders } from '../server-client.js';
import type { LiveCall } from './live-call.js';
import type { Connection } from './screen.js';
import { SseParser } from './sse-parser.js';

export interface FollowOptions {
  /** The server's API address. */
  readonly url: string;
  /** Filters of `GET /api/live` (the call filters). */
  readonly filters: URLSearchParams;
  readonly onCall: (call: LiveCall) => void;
  readonly onStatus: (connection: Connection) => void;
  /**
   * The server no longer has the events since the last one seen (it restarted, or they expired):
   * calls may have been missed, and should be read back from the store.
   */
  readonly onReset?: () => void;
  readonly signal: AbortSignal;
  /** Silence after which a connection counts as dead (the server pings every 15 s). */
  readonly silenceMs?: number;
}

/** A refusal that retrying cannot cure (a filter the server rejects). */
export class LiveRefusedError extends Error {}

/** Waits before reconnect attempt `n` (from 0): 0.5 s, 1 s, 2 s, then every 4 s. */
export const reconnectDelayMs = (n: number): number => Math.min(4_000, 500 * 2 ** n);

/**
 * Follows `GET /api/live?events=call` until `signal` aborts: each call to `onCall`, the state
 * of the connection to `onStatus`. A dropped connection (a restarted server, a network hiccup,
 * a stream silent for too long) is reopened with the last event id, so missed calls are sent
 * again while the server still has them. Rejects only for a refusal (HTTP 4xx).
 */
export async function followLive(o: FollowOptions): Promise<void> {
  let lastId: string | null = null;
  let attempt = 0;
  let everLive = false;
  while (!o.signal.aborted) {
    const query = new URLSearchParams(o.filters);
    query.set('events', 'call');
    const connection = new AbortController();
    const abort = () => connection.abort();
    o.signal.addEventListener('abort', abort);
    let watchdog: NodeJS.Timeout | undefined;
    const feed = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(abort, o.silenceMs ?? 40_000);
    };
    let why: string;
    try {
      feed();
      const res = await fetch(`${o.url}/api/live?${query}`, {
        headers: lastId === null ? authHeaders() : { ...authHeaders(), 'Last-Event-ID': lastId },
        signal: connection.signal,
      });
      if (res.status >= 400 && res.status < 500) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new LiveRefusedError(body?.error?.message ?? `the server answered HTTP ${res.status}`);
      }
      if (!res.ok || !res.body) throw new Error(`the server answered HTTP ${res.status}`);
      o.onStatus({ state: 'live', message: everLive ? 'reconnected' : null });
      everLive = true;
      attempt = 0;
      const parser = new SseParser();
      const decoder = new TextDecoder();
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        feed();
        for (const e of parser.push(decoder.decode(chunk, { stream: true }))) {
          if (e.id !== null) lastId = e.id;
          if (e.event === 'call') o.onCall(JSON.parse(e.data) as LiveCall);
          else if (e.event === 'reset') o.onReset?.();
        }
      }
      why = 'the server closed the stream';
    } catch (err) {
      if (err instanceof LiveRefusedError) throw err;
      if (o.signal.aborted) break;
      why = connection.signal.aborted ? 'no word from the server for a while' : reasonOf(err);
    } finally {
      clearTimeout(watchdog);
      o.signal.removeEventListener('abort', abort);
    }
    if (o.signal.aborted) break;
    o.onStatus({ state: everLive ? 'down' : 'connecting', message: why });
    await sleep(reconnectDelayMs(attempt++), o.signal);
  }
}

function reasonOf(err: unknown): string {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  if (code === 'ECONNREFUSED') return 'no server answers';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection dropped';
  return code ?? (err as Error).message;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
