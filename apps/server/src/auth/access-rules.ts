/**
 * What a request needs, by path:
 * - `public`: liveness, the API description, logging in and out, and the web UI's own files
 *   (the login page must load before a key is given; the data it shows comes from the API).
 * - `admin`: managing projects, keys and the audit log, recomputing costs, deleting data.
 * - `project`: everything else — OTLP, the query API, the live stream, Llama Stack routes.
 */
export type AccessNeed = 'public' | 'project' | 'admin';

const PUBLIC_PATHS = new Set(['/healthz', '/api/openapi.json', '/api/session']);
const ADMIN_PREFIXES = ['/api/admin/', '/api/projects', '/api/keys', '/api/audit'];
const DATA_PREFIXES = ['/api/', '/v1/', '/alpha/'];

export function accessNeed(method: string, path: string): AccessNeed {
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (PUBLIC_PATHS.has(p)) return 'public';
  // Deleting data (a trace, a session, a user's) is an admin's act, audited.
  if (method === 'DELETE' && /^\/api\/(traces|sessions|users)\//.test(p)) return 'admin';
  if (ADMIN_PREFIXES.some((prefix) => p === prefix || p.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`))) return 'admin';
  if (DATA_PREFIXES.some((prefix) => p.startsWith(prefix))) return 'project';
  // The UI's pages and files; anything else is answered 404 or 405 by the router.
  return method === 'GET' || method === 'HEAD' ? 'public' : 'project';
}
