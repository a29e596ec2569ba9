import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a handler gets: the request, the response, path parameters and the parsed URL. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly params: Readonly<Record<string, string>>;
  readonly url: URL;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route, said where it is added:
 * - `project` (the default): a key of the project it acts in — OTLP, the query API, the live
 *   stream, Llama Stack routes.
 * - `admin`: an admin key — managing projects and keys, the audit log, recomputing costs,
 *   deleting data.
 * - `public`: anyone — liveness, the API description, logging in and out, and the web UI's own
 *   files (the login page must load before a key is given; its data comes from the API).
 */
export type AccessNeed = 'public' | 'project' | 'admin';

export interface Route {
  readonly method: Method;
  /** Like `/api/traces/{trace_id}`: `{name}` matches one path segment. */
  readonly pattern: string;
  readonly handler: Handler;
  readonly need: AccessNeed;
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly handler: Handler; readonly params: Record<string, string>; readonly need: AccessNeed }
  | { readonly kind: 'wrong-method'; readonly allowed: Method[] }
  | { readonly kind: 'none' };

/** A small router: exact segments and `{param}` segments, matched in the order added. */
export class Router {
  private readonly compiled: { route: Route; regex: RegExp; names: string[] }[] = [];
  private fallbackRoute: { handler: Handler; except: readonly string[] } | null = null;

  add(method: Method, pattern: string, handler: Handler, need: AccessNeed = 'project'): this {
    const names: string[] = [];
    const source = pattern
      .split('/')
      .map((segment) => {
        const m = /^\{(\w+)\}$/.exec(segment);
        if (!m) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        names.push(m[1] as string);
        return '([^/]+)';
      })
      .join('/');
    this.compiled.push({ route: { method, pattern, handler, need }, regex: new RegExp(`^${source}/?$`), names });
    return this;
  }

  /**
   * What answers a GET (or HEAD) that no route matches, when its path is outside `except`
   * prefixes — the web UI's pages and its not-found page; other misses are 404.
   */
  fallback(handler: Handler, except: readonly string[] = []): this {
    this.fallbackRoute = { handler, except };
    return this;
  }

  get routes(): readonly Route[] {
    return this.compiled.map((c) => c.route);
  }

  match(method: string, path: string): RouteMatch {
    const allowed: Method[] = [];
    for (const { route, regex, names } of this.compiled) {
      const m = regex.exec(path);
      if (!m) continue;
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      for (let i = 0; i < names.length; i++) params[names[i] as string] = safeDecode(m[i + 1] as string);
      return { kind: 'found', handler: route.handler, params, need: route.need };
    }
    if (allowed.length) return { kind: 'wrong-method', allowed };
    const fb = this.fallbackRoute;
    if (fb && (method === 'GET' || method === 'HEAD') && !fb.except.some((p) => path === p || path.startsWith(p)))
      return { kind: 'found', handler: fb.handler, params: {}, need: 'public' };
    return { kind: 'none' };
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
