import type { AccessStore, StoredKey } from '@sightline/storage';
import { HttpError } from '../http/http-error.js';
import { hashKey, keyIdOf, sameHash } from './api-key.js';
import { FailureThrottle } from './failure-throttle.js';
import type { Principal } from './principal.js';

/**
 * - `required`: every request but the public ones presents a key.
 * - `optional`: a key is honoured (and a bad Sightline key refused); without one, or with
 *   another tool's credentials, the request is `local`.
 * - `off`: keys are not looked at; every request is `local`.
 */
export type AuthMode = 'required' | 'optional' | 'off';

export type AuthVerdict =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly status: 401 | 429; readonly message: string; readonly retryAfterSeconds?: number };

/**
 * The answer to a refused verdict: 429 with Retry-After for an address guessing keys, else 401
 * (with `challenge`, the `WWW-Authenticate` header, where one is wanted).
 */
export function refusalOf(verdict: AuthVerdict & { ok: false }, challenge?: string): HttpError {
  if (verdict.status === 429)
    return new HttpError(429, 'resource_exhausted', verdict.message, { 'Retry-After': String(verdict.retryAfterSeconds ?? 60) });
  return new HttpError(401, 'unauthenticated', verdict.message, challenge ? { 'WWW-Authenticate': challenge } : {});
}

/** Compared against when a key's id is unknown, so that answer takes as long as a wrong secret. */
const NO_HASH = hashKey('no such key');

/**
 * Checks the keys requests present against the store: the admin key of the environment, or a
 * stored key by its id, compared in constant time by SHA-256. Remembers when each key was last
 * used and writes that down now and then, not on every request.
 */
export class Authenticator {
  private readonly adminHash: string | null;
  private readonly lastUsed = new Map<string, number>();
  private readonly throttle: FailureThrottle;

  constructor(
    private readonly access: AccessStore,
    readonly mode: AuthMode,
    /** `SIGHTLINE_ADMIN_KEY`: any string of 16 characters or more; null when not set. */
    adminKey: string | null,
    private readonly now: () => number = Date.now,
    throttle?: FailureThrottle,
  ) {
    this.adminHash = adminKey ? hashKey(adminKey) : null;
    this.throttle = throttle ?? new FailureThrottle(20, 60_000, 10_000, now);
  }

  get required(): boolean {
    return this.mode === 'required';
  }

  /** Who presents `key` (null: none presented), from the client at `client` (an address). */
  async authenticate(key: string | null, client: string): Promise<AuthVerdict> {
    if (this.mode === 'off') return { ok: true, principal: { role: 'local' } };
    if (key === null || key === '') {
      if (this.mode === 'optional') return { ok: true, principal: { role: 'local' } };
      return {
        ok: false,
        status: 401,
        message: 'an API key is required: send "Authorization: Bearer <key>" (create one with "sightline keys create --project NAME")',
      };
    }
    // Sightline's own keys (256 random bits) cannot be guessed, and are always checked, so an
    // exporter behind the same address as someone guessing keeps working. Anything else could
    // only be SIGHTLINE_ADMIN_KEY, chosen by a person: that is what an address guessing keys
    // is refused from trying, until its window passes.
    const wait = this.throttle.blockedFor(client);
    if (wait > 0 && keyIdOf(key) === null) return this.tooMany(wait);
    const principal = await this.principalOf(key);
    if (principal) return { ok: true, principal };
    // Where keys are optional, a client that kept another tool's credentials (a Langfuse SDK's
    // pk-lf/sk-lf pair) works unchanged; a Sightline key that is wrong or revoked is refused.
    if (this.mode === 'optional' && keyIdOf(key) === null) return { ok: true, principal: { role: 'local' } };
    this.throttle.failed(client);
    if (wait > 0) return this.tooMany(wait);
    return { ok: false, status: 401, message: 'the API key is not valid: it was revoked, mistyped, or made for another server' };
  }

  private tooMany(wait: number): AuthVerdict {
    return {
      ok: false,
      status: 429,
      message: `too many refused keys from this address; try again in ${wait} s`,
      retryAfterSeconds: wait,
    };
  }

  private async principalOf(key: string): Promise<Principal | null> {
    const hash = hashKey(key);
    if (this.adminHash !== null && sameHash(hash, this.adminHash)) return { role: 'admin', keyId: null };
    const id = keyIdOf(key);
    const stored = id === null ? null : await this.access.findKey(id);
    const matches = sameHash(hash, stored?.hash ?? NO_HASH);
    if (!stored || !matches || stored.revokedAtMs !== null) return null;
    this.lastUsed.set(stored.id, this.now());
    return stored.project === null ? { role: 'admin', keyId: stored.id } : { role: 'project', project: stored.project, keyId: stored.id };
  }

  /** Whether the key a UI session was opened with still stands (not revoked since). */
  async stillValid(principal: Principal): Promise<boolean> {
    if (principal.role === 'local' || principal.keyId === null) return true;
    const stored: StoredKey | null = await this.access.findKey(principal.keyId);
    if (!stored || stored.revokedAtMs !== null) return false;
    this.lastUsed.set(stored.id, this.now());
    return true;
  }

  /** When each key was last used, as noted since the last flush (for listings made before it). */
  lastUsedOf(id: string): number | undefined {
    return this.lastUsed.get(id);
  }

  /** Writes down when keys were last used. */
  async flush(): Promise<void> {
    if (this.lastUsed.size === 0) return;
    const noted = new Map(this.lastUsed);
    this.lastUsed.clear();
    await this.access.touchKeys(noted);
  }
}
