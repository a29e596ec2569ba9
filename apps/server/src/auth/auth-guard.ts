import type { IncomingMessage } from 'node:http';
import { HttpError } from '../http/http-error.js';
import type { RequestGuard } from '../http/serve-routes.js';
import { projectNameProblem } from './api-key.js';
import { type Authenticator, type AuthVerdict, refusalOf } from './authenticator.js';
import { presentedKey, sessionToken } from './credentials.js';
import { isAdmin, type Principal } from './principal.js';
import { DEFAULT_PROJECT, type RequestScopes, type Scope } from './request-scope.js';
import type { UiSessions } from './ui-sessions.js';

/** The header (or `?project=`) by which an admin picks the project it acts in. */
export const PROJECT_HEADER = 'x-sightline-project';

export interface AuthGuardDeps {
  readonly auth: Authenticator;
  readonly sessions: UiSessions;
  readonly scopes: RequestScopes;
}

/** The address a request came from, for throttling key guesses (see `throttledAddress`). */
export function clientOf(req: IncomingMessage): string {
  return throttledAddress(req.socket.remoteAddress ?? 'unknown');
}

/**
 * What key guesses are counted by: an IPv4 address, or the /64 network of an IPv6 one (a host
 * has a whole /64 to pick addresses from).
 */
export function throttledAddress(address: string): string {
  if (!address.includes(':')) return address;
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice('::ffff:'.length);
  const [head = '', tail] = (address.split('%')[0] as string).split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/**
 * Who a request is, from its `Authorization` header or else its UI session cookie; null when
 * it presents neither (the authenticator then decides whether that is allowed).
 */
export async function verdictOf(req: IncomingMessage, deps: AuthGuardDeps): Promise<AuthVerdict> {
  const header = req.headers.authorization;
  if (header !== undefined) return deps.auth.authenticate(presentedKey(header), clientOf(req));
  const token = sessionToken(req.headers);
  const principal = token === null ? null : deps.sessions.principalOf(token);
  if (principal && (await deps.auth.stillValid(principal))) return { ok: true, principal };
  if (principal && token) deps.sessions.close(token);
  return deps.auth.authenticate(null, clientOf(req));
}

/**
 * The scope of a principal that names project `chosen` (null: none named): a project's key acts
 * in its own project only (naming another is 403, whether or not it exists); an admin or the
 * local user acts in the one named, else the default.
 */
export function scopeFor(principal: Principal, chosen: string | null): Scope | HttpError {
  if (principal.role === 'project') {
    if (chosen !== null && chosen !== principal.project)
      return new HttpError(403, 'forbidden', `this key belongs to project "${principal.project}" and acts in no other`);
    return { principal, project: principal.project, chosen: false };
  }
  if (chosen !== null) {
    const problem = projectNameProblem(chosen);
    if (problem) return new HttpError(400, 'invalid_argument', problem);
  }
  return { principal, project: chosen ?? DEFAULT_PROJECT, chosen: chosen !== null };
}

/**
 * Finds who each request is and the project it acts in (see `RequestScopes`), or refuses it:
 * 401 without a valid key where one is needed, 429 for an address guessing keys, 403 for a
 * project's key on an admin route or naming another project. Ids of another project's data
 * are never refused here: the routes answer 404 for them, as for ids that do not exist.
 */
export function authGuard(deps: AuthGuardDeps): RequestGuard {
  return async (req, _res, url, need) => {
    // Public routes look at credentials themselves, if at all (`/api/session`): checked once.
    if (need === 'public') return null;
    const verdict = await verdictOf(req, deps);
    if (!verdict.ok) return refusalOf(verdict, 'Bearer realm="sightline"');
    const principal = verdict.principal;
    if (need === 'admin' && !isAdmin(principal))
      return new HttpError(403, 'forbidden', 'this needs an admin key; a project’s key reads and writes its own project only');
    const header = req.headers[PROJECT_HEADER];
    const chosen = (typeof header === 'string' && header !== '' ? header : null) ?? url.searchParams.get('project');
    url.searchParams.delete('project');
    const scope = scopeFor(principal, chosen);
    if (scope instanceof HttpError) return scope;
    deps.scopes.set(req, scope);
    return null;
  };
}
