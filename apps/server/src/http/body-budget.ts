/**
 * The request bytes the server holds at once — from a body's first byte until its answer is
 * sent — across every receiver. What a request costs in memory (its body, the decoded spans,
 * the rows prepared from them, the queued write) grows with its size, so capping the bytes
 * bounds the process's memory however many clients send at once; beyond the cap a request is
 * told to come back later (HTTP 503 + Retry-After, gRPC UNAVAILABLE). A request that arrives
 * while nothing else is held is always let in, so the largest body accepted still gets through.
 */
export class BodyBudget {
  private used = 0;
  /** Requests turned away because the budget was spent. */
  refused = 0;

  constructor(readonly capBytes: number) {}

  /** Bytes held now. */
  get usedBytes(): number {
    return this.used;
  }

  /** A holder for one request's bytes, empty until it grows; release it when the answer is sent. */
  hold(): BodyHold {
    return new BodyHold(this);
  }

  /** @internal Takes `n` bytes for a request already holding `held`; false when others hold too much. */
  take(held: number, n: number): boolean {
    if (this.used > held && this.used + n > this.capBytes) {
      this.refused++;
      return false;
    }
    this.used += n;
    return true;
  }

  /** @internal */
  give(n: number): void {
    this.used -= n;
  }
}

/** One request's share of a {@link BodyBudget}. */
export class BodyHold {
  private bytes = 0;

  constructor(private readonly budget: BodyBudget) {}

  /** Takes `n` more bytes; false, taking nothing, when other requests hold the rest of the budget. */
  grow(n: number): boolean {
    if (n <= 0) return true;
    if (!this.budget.take(this.bytes, n)) return false;
    this.bytes += n;
    return true;
  }

  /** Gives every byte back (again is harmless). */
  release(): void {
    this.budget.give(this.bytes);
    this.bytes = 0;
  }
}

/** Default cap: 64 MiB of request bodies, three of the largest (20 MiB) at once. */
export const DEFAULT_BODY_BUDGET_BYTES = 64 * 1024 * 1024;
