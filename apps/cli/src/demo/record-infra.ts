import { type InstrumentationScope, type Resource, SpanKind, StatusCode } from '@sightline/core';
import type { DraftSpan, TraceBuilder } from './trace-builder.js';

/** The spans around the model calls: HTTP servers and clients, database queries (OTel semantic conventions). */

export interface Origin {
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
}

export function httpServer(
  t: TraceBuilder,
  parent: DraftSpan | null,
  method: string,
  route: string,
  origin: Origin,
  body: (span: DraftSpan) => void,
  status = 200,
): DraftSpan {
  const span = t.span(
    parent,
    `${method} ${route}`,
    {
      ...origin,
      kind: SpanKind.SERVER,
      overheadMs: t.rng.between(1, 6),
      attributes: {
        'http.request.method': method,
        'http.route': route,
        'url.path': route,
        'url.scheme': 'https',
        'server.address': `${String(origin.resource.attributes['service.name'])}.internal`,
        'network.protocol.version': '1.1',
        'user_agent.original':
          'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      },
    },
    body,
  );
  span.set({ 'http.response.status_code': status });
  if (status >= 500) span.status = { code: StatusCode.ERROR, message: '' };
  return span;
}

export function httpClient(
  t: TraceBuilder,
  parent: DraftSpan,
  method: string,
  url: string,
  origin: Origin,
  body: (span: DraftSpan) => void,
): DraftSpan {
  const u = new URL(url);
  return t.span(
    parent,
    method,
    {
      ...origin,
      kind: SpanKind.CLIENT,
      overheadMs: t.rng.between(0.8, 3),
      attributes: {
        'http.request.method': method,
        'url.full': url,
        'server.address': u.hostname,
        'server.port': Number(u.port || 443),
        'http.response.status_code': 200,
      },
    },
    body,
  );
}

export function dbQuery(
  t: TraceBuilder,
  parent: DraftSpan,
  system: 'postgresql' | 'redis',
  operation: string,
  collection: string,
  query: string,
  durationMs: number,
  origin: Origin,
): DraftSpan {
  return t.span(parent, `${operation} ${collection}`, {
    ...origin,
    kind: SpanKind.CLIENT,
    durationMs,
    attributes: {
      'db.system.name': system,
      'db.operation.name': operation,
      'db.collection.name': collection,
      'db.query.text': query,
      'db.namespace': system === 'postgresql' ? 'app' : '0',
      'server.address': system === 'postgresql' ? 'db.internal' : 'cache.internal',
      'server.port': system === 'postgresql' ? 5432 : 6379,
    },
  });
}
