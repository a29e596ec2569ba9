import type { IncomingMessage, ServerResponse } from 'node:http';
import { StorageDamagedError, UnsupportedQueryError } from '@sightline/storage';
import type { Logger } from '../log.js';
import { damageAdvice } from '../storage-damage.js';
import { HttpError } from './http-error.js';
import { ClientGoneError } from './json-stream.js';
import { sendError } from './respond.js';
import type { AccessNeed, Router } from './router.js';

/**
 * Checks a request before its route runs (see `browserGuard`, `authGuard`), knowing who its
 * route admits (`project` for a path no route takes): a refusal, `answered`, or null to go on.
 * It may change `url` (taking out what it read).
 */
export type RequestGuard = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  need: AccessNeed,
) => HttpError | 'answered' | null | Promise<HttpError | 'answered' | null>;

/** Dispatches a request to its route; turns thrown errors into `{"error": …}` answers. */
export function routeHandler(router: Router, logger: Logger, guard: RequestGuard | null = null) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void dispatch(router, logger, guard, req, res);
  };
}

async function dispatch(
  router: Router,
  logger: Logger,
  guard: RequestGuard | null,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://sightline.local');
  } catch {
    sendError(res, 400, 'invalid_argument', 'malformed request URL');
    return;
  }
  const match = router.match(req.method ?? 'GET', url.pathname);
  let verdict: HttpError | 'answered' | null;
  try {
    verdict = guard ? await guard(req, res, url, match.kind === 'found' ? match.need : 'project') : null;
  } catch (err) {
    logger.error(`${req.method} ${url.pathname}: checking the request failed`, err);
    sendError(res, 503, 'unavailable', 'the request could not be checked; retry later', { 'Retry-After': '5' });
    return;
  }
  if (verdict === 'answered') return;
  if (verdict !== null) {
    sendError(res, verdict.status, verdict.code, verdict.message, verdict.headers);
    return;
  }
  if (match.kind === 'none') {
    sendError(res, 404, 'not_found', `no route for ${req.method} ${url.pathname}`);
    return;
  }
  if (match.kind === 'wrong-method') {
    sendError(res, 405, 'method_not_allowed', `${req.method} is not allowed on ${url.pathname}; use ${match.allowed.join(' or ')}`, {
      Allow: match.allowed.join(', '),
    });
    return;
  }
  try {
    await match.handler({ req, res, params: match.params, url });
  } catch (err) {
    if (res.headersSent) {
      // A client that leaves during a streamed answer is not a failure of ours.
      if (!(err instanceof ClientGoneError)) logger.error(`${req.method} ${url.pathname} failed after the answer began`, err);
      res.destroy();
      return;
    }
    if (err instanceof HttpError) {
      sendError(res, err.status, err.code, err.message, err.headers);
      return;
    }
    // A query this store cannot answer exactly: refused, saying what.
    if (err instanceof UnsupportedQueryError) {
      sendError(res, 400, 'invalid_argument', err.message);
      return;
    }
    // Damage is logged once, when the store first meets it (see openStorage), and /healthz
    // reports it: no stack trace per request that meets it again.
    if (err instanceof StorageDamagedError) {
      sendError(res, 500, 'internal', damageAdvice(err.message));
      return;
    }
    logger.error(`${req.method} ${url.pathname} failed`, err);
    sendError(res, 500, 'internal', 'internal error; see the server log');
  }
}
