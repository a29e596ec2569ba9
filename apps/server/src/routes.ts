import type { Storage } from '@sightline/storage';
import { addAdminRoutes } from './api/admin-routes.js';
import { addCallRoutes } from './api/call-routes.js';
import { checkedReaders } from './api/checked-readers.js';
import { addDeleteRoutes } from './api/delete-routes.js';
import { addImportRoutes } from './api/import-routes.js';
import { openApiDocument } from './api/openapi.js';
import { addOtelMetricRoutes } from './api/otel-metric-routes.js';
import { addTraceRoutes } from './api/trace-routes.js';
import { type AccessRouteDeps, addAccessRoutes } from './auth/access-routes.js';
import { sendJson } from './http/respond.js';
import { Router } from './http/router.js';
import type { WebUi } from './http/web-ui.js';
import type { Ingest } from './ingest/ingest.js';
import type { LiveHub } from './live/live-hub.js';
import { addLiveRoutes } from './live/live-routes.js';
import type { OpenSpans } from './llama-stack/open-spans.js';
import { addLlamaStackRoutes } from './llama-stack/telemetry-routes.js';
import type { Logger } from './log.js';
import { otlpLogsHandler, otlpMetricsHandler, otlpTracesHandler } from './otlp/otlp-http.js';
import { addUsageRoutes } from './policy/usage-routes.js';
import type { Pricing } from './pricing/pricing.js';
import { damageAdvice } from './storage-damage.js';
import { VERSION } from './version.js';

/**
 * Where the Langfuse SDKs export OTLP traces: a Langfuse user switches by changing the host.
 * Handled exactly as `/v1/traces`; the SDK's `Authorization: Basic public:secret` credentials
 * carry the Sightline key as the secret.
 */
export const LANGFUSE_OTEL_TRACES = '/api/public/otel/v1/traces';

/** The paths exporters send OTLP to, each with the handler that takes it: on both ports. */
const OTLP_ROUTES = [
  ['/v1/traces', otlpTracesHandler],
  [LANGFUSE_OTEL_TRACES, otlpTracesHandler],
  ['/v1/logs', otlpLogsHandler],
  ['/v1/metrics', otlpMetricsHandler],
] as const;

/** Where exporters send: the browser guard lets any Host write there. */
export const OTLP_PATHS: readonly string[] = OTLP_ROUTES.map(([path]) => path);

function addOtlpRoutes(router: Router, ingest: Ingest, maxBodyBytes: number): Router {
  for (const [path, handler] of OTLP_ROUTES) router.add('POST', path, handler(ingest, maxBodyBytes));
  return router;
}

export interface RouteDeps {
  readonly storage: Storage;
  readonly ingest: Ingest;
  readonly openSpans: OpenSpans;
  readonly pricing: Pricing;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
  /** The clients of `GET /api/live`. */
  readonly live: LiveHub;
  /** The web UI's files. */
  readonly ui: WebUi;
  /** Keys, sessions and projects (see `addAccessRoutes`). */
  readonly access: AccessRouteDeps;
}

/** Every route of the main port (4800): health, API, OTLP/HTTP, Llama Stack, and the web UI. */
export function apiRouter(deps: RouteDeps): Router {
  const router = new Router();
  const { storage, ingest } = deps;
  // Still 200 when the store is damaged: this is a liveness probe, and restarting the process
  // would not mend the file; "degraded" and storage_problem say what an operator must do.
  router.add(
    'GET',
    '/healthz',
    ({ res }) => {
      const s = ingest.queue.stats;
      const health = storage.health?.();
      const damage = health?.damage ?? null;
      const refused = health?.writeProblem ?? null;
      const problem =
        damage !== null
          ? damageAdvice(damage)
          : refused !== null
            ? `the store refuses writes (${refused}); make the database file and its folder writable by this process`
            : null;
      sendJson(res, 200, {
        status: problem === null ? 'ok' : 'degraded',
        version: VERSION,
        storage: storage.kind,
        storage_problem: problem,
        ingest: {
          pending_spans: s.pendingSpans,
          committed_spans: s.committedSpans,
          committed_logs: s.committedLogs,
          duplicate_spans: s.duplicateSpans,
          refused_requests: s.refusedRequests,
          failed_requests: s.failedRequests,
          split_batches: s.splitBatches,
          writer_restarts: health?.writerRestarts ?? 0,
          body_bytes_in_flight: ingest.bodies.usedBytes,
          refused_busy: ingest.bodies.refused,
        },
        memory: { rss_bytes: process.memoryUsage.rss(), heap_used_bytes: process.memoryUsage().heapUsed },
      });
    },
    'public',
  );
  router.add('GET', '/api/openapi.json', ({ res }) => sendJson(res, 200, openApiDocument), 'public');
  addOtlpRoutes(router, ingest, deps.maxBodyBytes);
  // Queries a store cannot answer exactly are refused, whichever store it is.
  const { reader, calls } = checkedReaders(storage.reader, storage.calls);
  addTraceRoutes(router, reader, ingest);
  addCallRoutes(router, calls, ingest);
  addAdminRoutes(router, storage, deps.pricing, deps.logger, ingest.scopes);
  addAccessRoutes(router, deps.access);
  addImportRoutes(router, ingest, deps.maxBodyBytes);
  addLlamaStackRoutes(router, reader, ingest, deps.openSpans, storage.datasets);
  addLiveRoutes(router, deps.live, ingest);
  addOtelMetricRoutes(router, storage.otelMetrics, ingest);
  addUsageRoutes(router, ingest);
  addDeleteRoutes(router, storage, ingest, deps.openSpans);
  // Every other GET is the web UI: its pages, its files, or its not-found page.
  const ui = deps.ui;
  router.fallback(({ req, res, url }) => ui.serve(req, res, url.pathname), ['/api/', '/v1/', '/healthz']);
  return router;
}

/** The OTLP/HTTP-only port (4318). */
export function otlpRouter(deps: Pick<RouteDeps, 'ingest' | 'maxBodyBytes'>): Router {
  return addOtlpRoutes(new Router(), deps.ingest, deps.maxBodyBytes);
}
