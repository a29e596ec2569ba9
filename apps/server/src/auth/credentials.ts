import type { IncomingHttpHeaders } from 'node:http';

export const SESSION_COOKIE = 'sightline_session';

/**
 * The key a request presents: `Authorization: Bearer <key>`, or Basic credentials, where the
 * password is the key (the Langfuse SDKs send `public_key:secret_key`: the secret is the
 * Sightline key, the public key is free, conventionally the project's name). Null when none.
 */
export function presentedKey(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const space = authorization.indexOf(' ');
  const scheme = (space < 0 ? authorization : authorization.slice(0, space)).toLowerCase();
  const value = space < 0 ? '' : authorization.slice(space + 1).trim();
  if (scheme === 'bearer') return value;
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? decoded : decoded.slice(colon + 1) || decoded.slice(0, colon);
  }
  // An unknown scheme is still a credential: refused as one, never ignored.
  return authorization;
}

/** The UI session token of a request's cookies, or null. */
export function sessionToken(headers: IncomingHttpHeaders): string | null {
  const cookie = headers.cookie;
  if (!cookie) return null;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || null;
  }
  return null;
}
