import type { ServerResponse } from 'node:http';

/** Text gathered before it is sent as one chunk. */
const CHUNK_CHARS = 256 * 1024;

/** The client went away while an answer was being streamed to it. */
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
  constructor() {
    super('the client closed the connection');
  }
}

/**
 * A 200 JSON answer written in pieces: it is never held whole in memory, and between pieces
 * the event loop runs — other requests are answered — and a client that reads slower than
 * the answer is written makes the writer wait (backpressure) instead of buffering.
 */
export class JsonStream {
  private parts: string[] = [];
  private chars = 0;

  constructor(
    private readonly res: ServerResponse,
    contentType = 'application/json; charset=utf-8',
  ) {
    res.writeHead(200, { 'Content-Type': contentType, 'X-Content-Type-Options': 'nosniff' });
  }

  write(text: string): void {
    this.parts.push(text);
    this.chars += text.length;
  }

  /** Sends what was written once there is enough of it, then lets the event loop run. */
  async flush(force = false): Promise<void> {
    if (this.res.destroyed) throw new ClientGoneError();
    if (!force && this.chars < CHUNK_CHARS) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.chars = 0;
    if (!this.res.write(chunk)) await drained(this.res);
    if (this.res.destroyed) throw new ClientGoneError();
    // Always a turn of the event loop: a socket that takes everything at once drains in a
    // nextTick, which would otherwise run the whole answer without letting anything else in.
    await new Promise((resolve) => setImmediate(resolve));
  }

  async end(): Promise<void> {
    await this.flush(true);
    this.res.end();
  }
}

/** Resolves when `res` can take more, or is closed. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
