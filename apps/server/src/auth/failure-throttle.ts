/**
 * Slows key guessing: a client (by address) whose keys were refused `maxFailures` times within
 * `windowMs` is refused outright until the window has passed. Memory is bounded: past
 * `maxClients` addresses, the oldest windows are forgotten first.
 */
export class FailureThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly maxFailures = 20,
    private readonly windowMs = 60_000,
    private readonly maxClients = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds the client must wait, or 0 when it may try. */
  blockedFor(client: string): number {
    const f = this.failures.get(client);
    if (!f) return 0;
    const left = f.since + this.windowMs - this.now();
    if (left <= 0) {
      this.failures.delete(client);
      return 0;
    }
    return f.count >= this.maxFailures ? Math.ceil(left / 1000) : 0;
  }

  failed(client: string): void {
    const at = this.now();
    const f = this.failures.get(client);
    if (f && at - f.since < this.windowMs) {
      f.count++;
      return;
    }
    this.failures.delete(client);
    if (this.failures.size >= this.maxClients) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
    this.failures.set(client, { count: 1, since: at });
  }
}
