import type { Metadata } from '@grpc/grpc-js';
import { HttpError } from '../http/http-error.js';
import { PROJECT_HEADER, scopeFor, throttledAddress } from './auth-guard.js';
import { type Authenticator, refusalOf } from './authenticator.js';
import { presentedKey } from './credentials.js';

/** The address of a gRPC peer (`127.0.0.1:5000`, `[::1]:5000`, `ipv4:…`), without the port. */
function addressOf(peer: string): string {
  const p = peer.replace(/^ipv[46]:/, '');
  if (p.startsWith('[')) return p.slice(1, p.indexOf(']'));
  const colon = p.lastIndexOf(':');
  return colon > 0 ? p.slice(0, colon) : p;
}

/**
 * The project an OTLP/gRPC call writes to, from its metadata as exporters send it
 * (`authorization: Bearer <key>`, and for an admin key `x-sightline-project`), or the refusal:
 * UNAUTHENTICATED, RESOURCE_EXHAUSTED or PERMISSION_DENIED as for HTTP's 401, 429 and 403.
 */
export function grpcProjectOf(auth: Authenticator): (metadata: Metadata, peer: string) => Promise<string | HttpError> {
  return async (metadata, peer) => {
    const header = metadata.get('authorization')[0];
    const verdict = await auth.authenticate(header === undefined ? null : presentedKey(String(header)), throttledAddress(addressOf(peer)));
    if (!verdict.ok) return refusalOf(verdict);
    const chosen = metadata.get(PROJECT_HEADER)[0];
    const scope = scopeFor(verdict.principal, chosen === undefined || chosen === '' ? null : String(chosen));
    return scope instanceof HttpError ? scope : scope.project;
  };
}
