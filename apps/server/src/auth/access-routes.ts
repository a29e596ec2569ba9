import type { IncomingMessage } from 'node:http';
import { type AccessStore, ProjectExistsError } from '@sightline/storage';
import { field, readJsonObject } from '../api/json-body.js';
import { QueryParams } from '../api/query-params.js';
import { HttpError, notFound } from '../http/http-error.js';
import { sendJson } from '../http/respond.js';
import type { Handler, Method, Router } from '../http/router.js';
import { clientOf, verdictOf } from './auth-guard.js';
import { type Authenticator, refusalOf } from './authenticator.js';
import { SESSION_COOKIE, sessionToken } from './credentials.js';
import { KeyAdmin } from './key-admin.js';
import { createdKeyJson, keyJson, parseProjectSettings, projectJson } from './project-json.js';
import type { RequestScopes } from './request-scope.js';
import { SESSION_TTL_MS, type UiSessions } from './ui-sessions.js';

export interface AccessRouteDeps {
  readonly access: AccessStore;
  readonly auth: Authenticator;
  readonly sessions: UiSessions;
  readonly scopes: RequestScopes;
  /** Whether people reach the UI over TLS (an https `--public-url`): session cookies are then `Secure`. */
  readonly secureCookies: boolean;
  /** Told when a project's settings change here, so they apply at once. */
  readonly onProjectChange?: (name: string) => void;
  /** The port OTLP/gRPC is taken on, once listening (the UI's onboarding shows it). */
  readonly otlpGrpcPort?: () => number | null;
}

const admin = (deps: AccessRouteDeps, req: IncomingMessage) => KeyAdmin.forRequest(deps.access, deps.scopes, req);

/**
 * Logging in and out of the UI (`/api/session`), and what an admin manages: projects
 * (`/api/projects`), keys (`/api/keys`) and the audit log (`/api/audit`).
 */
export function addAccessRoutes(router: Router, deps: AccessRouteDeps): void {
  const { auth, sessions, access } = deps;
  const asAdmin = (method: Method, path: string, handler: Handler) => router.add(method, path, handler, 'admin');
  const cookie = (value: string, maxAgeSeconds: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${deps.secureCookies ? '; Secure' : ''}`;

  router.add(
    'GET',
    '/api/session',
    async ({ req, res }) => {
      const verdict = await verdictOf(req, deps);
      const p = verdict.ok ? verdict.principal : null;
      sendJson(res, 200, {
        auth_required: auth.required,
        authenticated: p !== null && p.role !== 'local',
        role: p?.role ?? null,
        project: p?.role === 'project' ? p.project : null,
        key_id: p && p.role !== 'local' ? p.keyId : null,
        otlp_grpc_port: deps.otlpGrpcPort?.() ?? null,
      });
    },
    'public',
  );

  router.add(
    'POST',
    '/api/session',
    async ({ req, res }) => {
      const body = await readJsonObject(req);
      const key = field.string(body, 'api_key', true) as string;
      const verdict = await auth.authenticate(key, clientOf(req));
      if (!verdict.ok) throw refusalOf(verdict);
      const p = verdict.principal;
      if (p.role === 'local')
        throw new HttpError(400, 'invalid_argument', 'authentication is off on this server: there is nothing to log in to');
      const token = sessions.open(p);
      sendJson(
        res,
        200,
        { role: p.role, project: p.role === 'project' ? p.project : null, key_id: p.keyId },
        { 'Set-Cookie': cookie(token, Math.floor(SESSION_TTL_MS / 1000)), 'Cache-Control': 'no-store' },
      );
    },
    'public',
  );

  router.add(
    'DELETE',
    '/api/session',
    ({ req, res }) => {
      const token = sessionToken(req.headers);
      if (token) sessions.close(token);
      res.writeHead(204, { 'Set-Cookie': cookie('', 0) });
      res.end();
    },
    'public',
  );

  asAdmin('GET', '/api/projects', async ({ res, url }) => {
    new QueryParams(url.searchParams).check();
    sendJson(res, 200, { data: (await access.listProjects()).map(projectJson) });
  });

  asAdmin('POST', '/api/projects', async ({ req, res }) => {
    const body = await readJsonObject(req);
    const name = field.string(body, 'name', true) as string;
    try {
      const made = await admin(deps, req).createProject(name, parseProjectSettings(body));
      deps.onProjectChange?.(made.name);
      sendJson(res, 201, projectJson(made));
    } catch (err) {
      if (err instanceof ProjectExistsError) throw new HttpError(409, 'conflict', err.message);
      throw err;
    }
  });

  asAdmin('GET', '/api/projects/{name}', async ({ res, params }) => {
    const project = await access.getProject(params.name as string);
    if (!project) throw notFound(`no project "${params.name}"`);
    sendJson(res, 200, projectJson(project));
  });

  asAdmin('PATCH', '/api/projects/{name}', async ({ req, res, params }) => {
    const settings = parseProjectSettings(await readJsonObject(req));
    const updated = await admin(deps, req).updateProject(params.name as string, settings);
    if (!updated) throw notFound(`no project "${params.name}"`);
    deps.onProjectChange?.(updated.name);
    sendJson(res, 200, projectJson(updated));
  });

  asAdmin('GET', '/api/keys', async ({ req, res, url }) => {
    new QueryParams(url.searchParams).check();
    const scope = deps.scopes.of(req);
    const keys = await access.listKeys(scope.chosen ? scope.project : undefined);
    sendJson(res, 200, { data: keys.map((k) => keyJson(k, auth.lastUsedOf(k.id) ?? k.lastUsedAtMs)) });
  });

  asAdmin('POST', '/api/keys', async ({ req, res }) => {
    const body = await readJsonObject(req);
    const scope = deps.scopes.of(req);
    const role = field.string(body, 'role') ?? 'project';
    if (role !== 'project' && role !== 'admin') throw new HttpError(400, 'invalid_argument', 'field "role" must be "project" or "admin"');
    const project = role === 'admin' ? null : (field.string(body, 'project') ?? (scope.chosen ? scope.project : null));
    if (role === 'project' && project === null)
      throw new HttpError(400, 'invalid_argument', 'field "project" is required: the project the key reads and writes');
    const made = await admin(deps, req).createKey(project, field.string(body, 'name') ?? null);
    sendJson(res, 201, createdKeyJson(made), { 'Cache-Control': 'no-store' });
  });

  asAdmin('DELETE', '/api/keys/{id}', async ({ req, res, params }) => {
    const revoked = await admin(deps, req).revokeKey(params.id as string);
    if (!revoked) throw notFound(`no key "${params.id}"`);
    sendJson(res, 200, keyJson(revoked));
  });

  asAdmin('GET', '/api/audit', async ({ req, res, url }) => {
    const q = new QueryParams(url.searchParams);
    const limit = q.integer('limit', 1, 1000) ?? 100;
    const before = q.integer('before', 1, Number.MAX_SAFE_INTEGER);
    q.check();
    const scope = deps.scopes.of(req);
    const entries = await access.listAudit({ limit, beforeId: before, project: scope.chosen ? scope.project : undefined });
    sendJson(res, 200, {
      data: entries.map((e) => ({
        id: e.id,
        at: new Date(e.atMs).toISOString(),
        actor: e.actor,
        action: e.action,
        project: e.project,
        target: e.target,
        detail: e.detail,
      })),
      next_before: entries.length === limit ? (entries[entries.length - 1]?.id ?? null) : null,
    });
  });
}
