import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `sl_3f9a2b1c4d5e_<43 characters>`: `sl_<id>` is the public part, listed
 * and used to revoke; the rest is 256 random bits. Only the SHA-256 of the whole key is kept:
 * with that much entropy a fast hash is as safe as a slow one, and checking one costs a
 * microsecond on the ingest path.
 */
const KEY_PATTERN = /^(sl_[0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

export interface NewApiKey {
  /** The public part (`sl_<12 hex>`). */
  readonly id: string;
  /** The whole key: shown once, never stored. */
  readonly key: string;
  /** What is stored: SHA-256 of the key, lowercase hex. */
  readonly hash: string;
}

export function newApiKey(): NewApiKey {
  const id = `sl_${randomBytes(6).toString('hex')}`;
  const key = `${id}_${randomBytes(32).toString('base64url')}`;
  return { id, key, hash: hashKey(key) };
}

/** The public part of a well-formed key; null for anything else. */
export function keyIdOf(key: string): string | null {
  return KEY_PATTERN.exec(key)?.[1] ?? null;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Whether two hex hashes are equal, in time that does not depend on where they differ. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Project names: lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 64. */
export const PROJECT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function projectNameProblem(name: string): string | null {
  return PROJECT_NAME.test(name)
    ? null
    : `"${name}" is not a project name: use lowercase letters, digits, ".", "_" and "-" (starting with a letter or digit, at most 64)`;
}
