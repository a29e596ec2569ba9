import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { HttpError } from './http-error.js';

/** Where the server may be reached from, as a browser sees it. */
export interface BrowserPolicy {
  /** The address the server listens on (`127.0.0.1`, `0.0.0.0`, …). */
  readonly listenHost: string;
  /** The URL people open it by (`--public-url`), whose host name is then accepted. */
  readonly publicUrl?: string | null;
  /** Origins allowed to call the API from their pages (`--cors-origin`); none by default. */
  readonly corsOrigins?: readonly string[];
  /** Paths exporters send to: open to any Host (they write only) and never answered with CORS. */
  readonly ingestPaths: readonly string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The browser-facing defences of the main port, with or without keys:
 * - **DNS rebinding**: a request whose `Host` is not a name of this server is refused, so a page
 *   on another site whose name was pointed at 127.0.0.1 cannot read anything. Loopback names
 *   always pass; the `--public-url` host passes; when the server listens beyond loopback, IP
 *   addresses and this machine's host name pass too.
 * - **Cross-site requests**: a request that changes something (not GET/HEAD) coming from a page
 *   of another origin (`Origin` naming another scheme, host or port; `Sec-Fetch-Site:
 *   cross-site`) is refused.
 * - Ingest paths take any `Host` from exporters, which send no `Origin`; a browser's request
 *   there is held to the same rules as any other.
 * - **CORS** is off unless `corsOrigins` lists an origin: then that origin's requests get
 *   `Access-Control-Allow-*` headers and preflights are answered.
 * Returns the refusal, or null (having set any CORS headers) when the request may go on.
 */
export function browserGuard(
  policy: BrowserPolicy,
): (req: IncomingMessage, res: ServerResponse, path: string) => HttpError | 'answered' | null {
  const allowedHosts = new Set<string>();
  const publicHost = policy.publicUrl ? new URL(policy.publicUrl).hostname.toLowerCase() : null;
  if (publicHost) allowedHosts.add(publicHost);
  const wide = !isLoopback(policy.listenHost);
  if (wide) {
    const me = hostname().toLowerCase();
    allowedHosts.add(me);
    allowedHosts.add(`${me}.local`);
  }
  const cors = new Set((policy.corsOrigins ?? []).map((o) => o.replace(/\/+$/, '').toLowerCase()));
  const ingestPaths = new Set(policy.ingestPaths);
  const hostAllowed = (host: string) => isLoopback(host) || allowedHosts.has(host) || (wide && isIP(host) !== 0);

  return (req, res, path) => {
    // Exporters send no Origin and may name the server by any Host; a browser always says its origin.
    const ingest = ingestPaths.has(path) && req.headers.origin === undefined;
    const host = hostOf(req.headers.host);
    if (!ingest && host !== null && !hostAllowed(host))
      return new HttpError(
        403,
        'forbidden',
        `Host "${host}" is not a name of this server (a page on another site may have pointed its name here): open it by a loopback address such as http://127.0.0.1${portOf(req.headers.host)}, or start the server with --public-url naming ${host}`,
      );
    const origin = req.headers.origin;
    const corsAllowed = typeof origin === 'string' && cors.has(origin.toLowerCase());
    if (corsAllowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'Access-Control-Allow-Methods': 'GET, POST, PATCH, DELETE',
          'Access-Control-Allow-Headers': 'content-type, content-encoding, authorization, last-event-id, x-sightline-project',
          'Access-Control-Max-Age': '600',
        });
        res.end();
        return 'answered';
      }
    }
    if (SAFE_METHODS.has(req.method ?? 'GET') || corsAllowed) return null;
    const crossSite =
      req.headers['sec-fetch-site'] === 'cross-site' ||
      (typeof origin === 'string' && !sameOrigin(origin, req.headers.host, policy.publicUrl ?? null));
    if (crossSite)
      return new HttpError(
        403,
        'forbidden',
        `a page of another site (${origin ?? 'cross-site'}) may not change anything here; allow its origin with --cors-origin if it should`,
      );
    return null;
  };
}

/**
 * Whether an `Origin` is a page of this server: the same host and port the request was sent to
 * (another port of the same machine is another origin, and may not change anything here), or
 * the `--public-url`.
 */
function sameOrigin(origin: string, host: string | undefined, publicUrl: string | null): boolean {
  if (origin === 'null') return false;
  try {
    const o = new URL(origin);
    if (publicUrl !== null && o.origin === new URL(publicUrl).origin) return true;
    // Browsers leave a default port out of both.
    return host !== undefined && o.host.toLowerCase() === host.trim().toLowerCase();
  } catch {
    return false;
  }
}

/** The host name of a `Host` header, lowercase, without port or IPv6 brackets; null when there is none. */
export function hostOf(header: string | undefined): string | null {
  if (!header) return null;
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']'));
  const colon = h.lastIndexOf(':');
  return colon > 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

function portOf(header: string | undefined): string {
  const m = /:(\d+)$/.exec(header ?? '');
  return m ? `:${m[1]}` : '';
}

/** Loopback names and addresses: `localhost` (and its subdomains), 127.0.0.0/8, ::1. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}
