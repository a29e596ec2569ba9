import { randomBytes } from 'node:crypto';
import type { Principal } from './principal.js';

/** UI sessions one key may hold at once; logging in again ends its oldest. */
export const PER_KEY = 100;

/** How long a UI session lasts after logging in. */
export const SESSION_TTL_MS = 7 * 24 * 3600_000;

/**
 * The web UI's logins: a random token (the `HttpOnly` cookie) for the principal whose key was
 * given. Held in memory: a restart logs everyone out. At most `max` sessions; past that the
 * oldest goes first.
 */
export class UiSessions {
  private readonly sessions = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(
    private readonly max = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  open(principal: Principal): string {
    const token = randomBytes(32).toString('base64url');
    // One key holds at most PER_KEY sessions, so no key can push everyone else's out.
    const key = principal.role === 'local' ? 'local' : principal.keyId;
    const same = [...this.sessions].filter(([, s]) => (s.principal.role === 'local' ? 'local' : s.principal.keyId) === key);
    if (same.length >= PER_KEY) this.sessions.delete(same[0]?.[0] as string);
    if (this.sessions.size >= this.max) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    this.sessions.set(token, { principal, expiresAt: this.now() + SESSION_TTL_MS });
    return token;
  }

  /** The session's principal, or null when it never was, has ended or expired. */
  principalOf(token: string): Principal | null {
    const s = this.sessions.get(token);
    if (!s) return null;
    if (s.expiresAt <= this.now()) {
      this.sessions.delete(token);
      return null;
    }
    return s.principal;
  }

  close(token: string): void {
    this.sessions.delete(token);
  }
}
