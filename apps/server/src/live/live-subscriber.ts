import type { ServerResponse } from 'node:http';
import type { LiveEvent } from './live-event.js';
import { type LiveFilter, verdictOf } from './live-filter.js';
import { SSE_PING, sseFrame } from './sse.js';

export interface SubscriberLimits {
  /** Event text that may wait for a client not reading, beyond which it is dropped. */
  readonly bufferChars: number;
  /** After the final `dropped` event, how long the client has to read it before its connection is closed. */
  readonly dropGraceMs: number;
}

/**
 * One client of the live stream. Events go to its socket as long as the socket takes them;
 * when it stops taking them (the client reads slower than events come), they wait here, up
 * to `bufferChars`. Beyond that the client is dropped: what waits is discarded, a final
 * `dropped` event is sent, and the stream ends — a slow client neither holds up ingest nor
 * makes the server hold events without bound.
 */
export class LiveSubscriber {
  private waiting: string[] = [];
  private waitingChars = 0;
  private blocked = false;
  /** No more events: dropped, closed, or the client left. */
  private ended = false;
  private grace: NodeJS.Timeout | null = null;

  constructor(
    readonly filter: LiveFilter,
    private readonly res: ServerResponse,
    private readonly limits: SubscriberLimits,
    /** Called once, when the connection has closed or the stream has been sent to its end. */
    onGone: (subscriber: LiveSubscriber) => void,
  ) {
    res.on('close', () => {
      if (this.grace) clearTimeout(this.grace);
      this.ended = true;
      this.waiting = [];
      onGone(this);
    });
  }

  /** Sends the events of `events` that this client wants. */
  deliver(events: readonly LiveEvent[]): void {
    if (this.ended) return;
    let text = '';
    for (const e of events) if (verdictOf(this.filter, e) === 'yes') text += e.frame;
    if (text !== '') this.send(text);
  }

  /** Sends text (whole frames), or keeps it waiting while the socket is full. */
  send(text: string): void {
    if (this.ended) return;
    if (!this.blocked) {
      this.write(text);
      return;
    }
    if (this.waitingChars + text.length > this.limits.bufferChars) {
      this.drop();
      return;
    }
    this.waiting.push(text);
    this.waitingChars += text.length;
  }

  /** A heartbeat, unless events are waiting anyway. */
  ping(): void {
    if (!this.ended && !this.blocked) this.write(SSE_PING);
  }

  /** Ends the stream (the server is closing): at once when the client is not keeping up. */
  close(): void {
    if (this.res.writableEnded || this.blocked) {
      this.res.destroy();
    } else {
      this.res.end();
    }
    this.ended = true;
    this.waiting = [];
  }

  private write(text: string): void {
    if (!this.res.write(text)) {
      this.blocked = true;
      this.res.once('drain', this.flush);
    }
  }

  private readonly flush = (): void => {
    this.blocked = false;
    if (this.ended || this.waiting.length === 0) return;
    const text = this.waiting.join('');
    this.waiting = [];
    this.waitingChars = 0;
    this.write(text);
  };

  private drop(): void {
    this.ended = true;
    this.waiting = [];
    const data = JSON.stringify({
      reason: 'slow_client',
      message: `the client fell more than ${this.limits.bufferChars} bytes of events behind; reconnect with Last-Event-ID to resume from the events still kept`,
    });
    this.res.end(sseFrame(null, 'dropped', data));
    // A client that does not read at all would hold the connection until the idle timeout.
    this.grace = setTimeout(() => this.res.destroy(), this.limits.dropGraceMs);
    this.grace.unref();
  }
}
