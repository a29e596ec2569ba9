import type { Socket } from 'node:net';

/**
 * The connections one HTTP listener holds, at most `max`, and which of them are waiting with
 * no request in progress (newly connected and silent, or kept alive between requests).
 *
 * At the limit, a new connection takes the place of the one that has waited longest, so a
 * flood of idle connections cannot lock anyone out: `/healthz`, the UI and exporters still
 * get in. Only when every connection has a request in progress is the new one refused.
 *
 * Where requests cannot be seen (gRPC, whose connections are handed to grpc-js), `inUse`
 * tells a waiting connection that is in use after all; it is asked only while looking for
 * one to close, and a connection it names stays in use until it closes.
 */
export class ConnectionTable {
  /** Waiting connections, the longest waiting first (a Set keeps insertion order). */
  private readonly waiting = new Set<Socket>();
  /** Connections with requests in progress, and how many (HTTP/1.1 may pipeline). */
  private readonly busy = new Map<Socket, number>();

  constructor(
    private readonly max: number,
    private readonly inUse: (socket: Socket) => boolean = () => false,
  ) {}

  get size(): number {
    return this.waiting.size + this.busy.size;
  }

  /**
   * Takes a new connection; at the limit, closes the longest-waiting one to make room.
   * Returns what happened, so the caller can say so: the connection was admitted with room
   * to spare, admitted in place of a waiting one, or refused (and closed).
   */
  admit(socket: Socket): 'admitted' | 'replaced' | 'refused' {
    let outcome: 'admitted' | 'replaced' = 'admitted';
    if (this.size >= this.max) {
      const oldest = this.longestWaiting();
      if (oldest === null) {
        socket.destroy();
        return 'refused';
      }
      this.waiting.delete(oldest);
      oldest.destroy();
      outcome = 'replaced';
    }
    this.waiting.add(socket);
    socket.once('close', () => {
      this.waiting.delete(socket);
      this.busy.delete(socket);
    });
    return outcome;
  }

  /** Closes every connection with no request in progress (the server is shutting down). */
  closeWaiting(): void {
    for (const socket of this.waiting) socket.destroy();
    this.waiting.clear();
  }

  /** The connection that has waited longest and is not in use, or null. */
  private longestWaiting(): Socket | null {
    for (const socket of this.waiting) {
      if (!this.inUse(socket)) return socket;
      // Each is asked once: deleting from a Set while iterating it is safe.
      this.waiting.delete(socket);
      this.busy.set(socket, 1);
    }
    return null;
  }

  /** A request began on `socket`: it is not taken away while the request lasts. */
  requestStarted(socket: Socket): void {
    if (!this.waiting.delete(socket) && !this.busy.has(socket)) return; // closed, or never admitted
    this.busy.set(socket, (this.busy.get(socket) ?? 0) + 1);
  }

  /** A request on `socket` ended; with none left, it waits again, as the newest waiting. */
  requestEnded(socket: Socket): void {
    const left = (this.busy.get(socket) ?? 0) - 1;
    if (left > 0) {
      this.busy.set(socket, left);
      return;
    }
    if (!this.busy.delete(socket)) return;
    if (!socket.destroyed) this.waiting.add(socket);
  }
}
