import { type IncomingHttpHeaders, request } from 'node:http';

/** One event as a client's parser sees it. */
export interface SseEvent {
  readonly id: string | null;
  readonly event: string;
  /** The data line parsed as JSON (every event of /api/live carries JSON). */
  readonly data: any;
}

/** A stream of `GET` Server-Sent Events read as they arrive, with a plain HTTP client. */
export interface SseStream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly events: SseEvent[];
  /** The last `id:` received (as a browser keeps it), also from frames without data. */
  readonly lastId: () => string | null;
  /** `: ping` comment lines received. */
  readonly pings: () => number;
  /** Resolves when the server has ended the stream (or the connection closed). */
  readonly ended: Promise<void>;
  readonly isEnded: () => boolean;
  /** Resolves with the first event (after those already seen when `from` is given) that `match` accepts. */
  waitFor(match: (e: SseEvent) => boolean, timeoutMs?: number, from?: number): Promise<SseEvent>;
  close(): void;
}

/** Opens `url` and parses what comes as an event stream; resolves once the response headers have arrived. */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
      res.setEncoding('utf8');
      const events: SseEvent[] = [];
      let lastId: string | null = null;
      let pings = 0;
      let buffer = '';
      let done = false;
      const waiters = new Set<() => void>();
      const wake = () => {
        for (const w of waiters) w();
      };
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id: string | null = null;
          let event = 'message';
          let data: string | null = null;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) pings++;
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data = line.slice(6);
          }
          if (id !== null) lastId = id;
          if (data !== null) events.push({ id, event, data: JSON.parse(data) });
        }
        wake();
      });
      const ended = new Promise<void>((resolveEnded) => {
        const finish = () => {
          done = true;
          wake();
          resolveEnded();
        };
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
      });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        lastId: () => lastId,
        pings: () => pings,
        ended,
        isEnded: () => done,
        waitFor(match, timeoutMs = 5000, from = 0) {
          return new Promise((ok, fail) => {
            const check = () => {
              const found = events.slice(from).find(match);
              if (found) {
                cleanup();
                ok(found);
              } else if (done) {
                cleanup();
                fail(new Error(`the stream ended first; events: ${JSON.stringify(events.map((e) => e.event))}`));
              }
            };
            const timer = setTimeout(() => {
              cleanup();
              fail(new Error(`no such event within ${timeoutMs} ms; events: ${JSON.stringify(events.map((e) => e.event))}`));
            }, timeoutMs);
            const cleanup = () => {
              clearTimeout(timer);
              waiters.delete(check);
            };
            waiters.add(check);
            check();
          });
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}
