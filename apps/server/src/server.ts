import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { msToNanos } from '@sightline/core';
import type { AccessStore, Storage } from '@sightline/storage';
import { authGuard } from './auth/auth-guard.js';
import { Authenticator, type AuthMode } from './auth/authenticator.js';
import { grpcProjectOf } from './auth/grpc-auth.js';
import { KeyAdmin } from './auth/key-admin.js';
import { DEFAULT_PROJECT } from './auth/request-scope.js';
import { UiSessions } from './auth/ui-sessions.js';
import { BodyBudget, DEFAULT_BODY_BUDGET_BYTES } from './http/body-budget.js';
import { browserGuard, isLoopback } from './http/browser-guard.js';
import { type ConnectionLimits, connectionLimits, createLimitedServer } from './http/connection-limits.js';
import { DEFAULT_MAX_BODY_BYTES } from './http/read-body.js';
import type { Router } from './http/router.js';
import { type RequestGuard, routeHandler } from './http/serve-routes.js';
import { WebUi } from './http/web-ui.js';
import { CallExtractor } from './ingest/call-extractor.js';
import { Ingest } from './ingest/ingest.js';
import { IngestQueue } from './ingest/ingest-queue.js';
import { LiveFeed } from './live/live-feed.js';
import { DEFAULT_LIVE_OPTIONS, LiveHub, type LiveOptions } from './live/live-hub.js';
import { TraceUpdates } from './live/trace-updates.js';
import { OpenSpans, type OpenSpansLimits } from './llama-stack/open-spans.js';
import { consoleLogger, type Logger } from './log.js';
import { type GrpcReceiver, startGrpcReceiver } from './otlp/otlp-grpc.js';
import { IngestLimits } from './policy/ingest-limits.js';
import { ProjectPolicies } from './policy/project-policies.js';
import { RetentionJob } from './policy/retention-job.js';
import { Pricing } from './pricing/pricing.js';
import { apiRouter, OTLP_PATHS, otlpRouter } from './routes.js';

export interface ServerOptions {
  readonly storage: Storage;
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** UI + API + OTLP/HTTP (default 4800; 0 picks a free port). */
  readonly port?: number;
  /** OTLP/gRPC (default 4317). */
  readonly grpcPort?: number;
  /** OTLP/HTTP only (default 4318). */
  readonly otlpHttpPort?: number;
  readonly logger?: Logger;
  readonly maxBodyBytes?: number;
  readonly maxPendingSpans?: number;
  /**
   * Request bytes held at once across every receiver, from the first byte read until the
   * answer (default 64 MiB); beyond it requests are told to retry later (503, UNAVAILABLE).
   */
  readonly maxBodyBytesInFlight?: number;
  /** The web UI to serve at / (default: the built `@sightline/web`). */
  readonly ui?: WebUi;
  /** Limits on Llama Stack spans held open between span_start and span_end (see {@link OpenSpansLimits}). */
  readonly openSpans?: Partial<OpenSpansLimits>;
  /** How often expired data is deleted (default 60 s). */
  readonly sweepIntervalMs?: number;
  /** Read LLM calls from incoming spans (default true); off, spans are stored as they are. */
  readonly llmCalls?: boolean;
  /** A price override file (JSON or YAML) that wins over the built-in prices. */
  readonly pricesFile?: string | null;
  /**
   * Timeouts and the connection cap of each listener (see {@link ConnectionLimits}); unset
   * ones keep their defaults: 4,096 connections per listener (gRPC included), 15 s to send the request
   * headers, 60 s for the whole request, 65 s keep-alive, 120 s idle.
   */
  readonly connectionLimits?: Partial<ConnectionLimits>;
  /** The live stream, `GET /api/live` (see {@link LiveOptions}); its heartbeat is kept within half the idle timeout. */
  readonly live?: Partial<LiveOptions>;
  /** The URL people open the UI by, when it is not a loopback address: its host is accepted (see `browserGuard`). */
  readonly publicUrl?: string | null;
  /** Origins whose pages may call the API (CORS); none by default. */
  readonly corsOrigins?: readonly string[];
  /**
   * `on`: every request presents a key; `off`: keys are not looked at; `auto` (default): keys
   * are required when the server listens beyond loopback, and optional on loopback.
   */
  readonly auth?: AuthSetting;
  /** `SIGHTLINE_ADMIN_KEY`: an admin key of your choosing (16 characters or more). */
  readonly adminKey?: string | null;
  /** Days traces are kept (`--retention`), for projects that set none; null keeps them. */
  readonly retentionDays?: number | null;
  /** Built-in redaction rules applied to projects that set none (`--redact email,api-key`). */
  readonly redact?: readonly string[];
}

export type AuthSetting = 'on' | 'off' | 'auto';

/** What `--auth` comes to for a server listening on `host`. */
export function authModeOf(setting: AuthSetting, host: string): AuthMode {
  if (setting === 'on') return 'required';
  if (setting === 'off') return 'off';
  return isLoopback(host) ? 'optional' : 'required';
}

export type Listener = 'api' | 'grpc' | 'otlp-http';

/** A port could not be bound; `listener` says which one. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly listener: Listener,
    readonly port: number,
    readonly host: string,
  ) {
    super(`port ${port} on ${host} is already in use`);
  }
}

export interface RunningServer {
  readonly host: string;
  readonly ports: { readonly api: number; readonly grpc: number; readonly otlpHttp: number };
  readonly storage: Storage;
  readonly queue: IngestQueue;
  readonly pricing: Pricing;
  /** Whether keys are required, optional or off. */
  readonly authMode: AuthMode;
  /**
   * The admin key made at this start, when keys are required and there was none (no
   * `SIGHTLINE_ADMIN_KEY`, none stored): shown once, stored hashed.
   */
  readonly createdAdminKey: string | null;
  /** Deletes what has outlived its project's retention (it also runs every sweep interval). */
  readonly retention: RetentionJob;
  /** Stops accepting, finishes in-flight requests, commits everything accepted, closes the store. */
  close(): Promise<void>;
}

/** Starts every listener on one store. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? consoleLogger();
  const storage = options.storage;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const pricing = await Pricing.load(options.pricesFile ?? null);
  const queue = new IngestQueue(storage.writer, { maxPendingSpans: options.maxPendingSpans });
  const calls = options.llmCalls === false ? null : new CallExtractor(() => pricing.pricer);
  const idleTimeoutMs = connectionLimits(options.connectionLimits).idleTimeoutMs;
  const live = new LiveHub({
    ...options.live,
    heartbeatMs: Math.min(options.live?.heartbeatMs ?? DEFAULT_LIVE_OPTIONS.heartbeatMs, Math.floor(idleTimeoutMs / 2)),
  });
  const liveFeed = new LiveFeed(live, new TraceUpdates(storage.reader, live, logger));
  const policies = new ProjectPolicies(storage.access, {
    retentionDays: options.retentionDays ?? null,
    redaction: options.redact?.length ? { builtins: options.redact, patterns: [], attributeKeys: [] } : null,
  });
  const spanLimits = new IngestLimits(storage.access);
  const retention = new RetentionJob(storage, policies, logger);
  const ingest = new Ingest(queue, logger, calls, {
    bodies: new BodyBudget(options.maxBodyBytesInFlight ?? DEFAULT_BODY_BUDGET_BYTES),
    observer: liveFeed,
    policies,
    limits: spanLimits,
  });
  const openSpans = new OpenSpans(ingest, logger, options.openSpans);
  const authMode = authModeOf(options.auth ?? 'auto', host);
  if (options.adminKey && options.adminKey.length < 16)
    throw new Error('SIGHTLINE_ADMIN_KEY is too short to be safe: use 16 characters or more (sightline keys create prints good ones)');
  const auth = new Authenticator(storage.access, authMode, options.adminKey ?? null);
  const sessions = new UiSessions();
  // A store that refuses writes (see /healthz) still serves what it holds: this is not fatal.
  const createdAdminKey = await prepareAccess(storage.access, authMode, options.adminKey ?? null).catch((err) => {
    logger.error('preparing projects and keys failed (the default project or the first admin key could not be stored)', err);
    return null;
  });

  const publicUrl = options.publicUrl ?? null;
  let grpcReceiver: GrpcReceiver | null = null;
  const access = {
    access: storage.access,
    auth,
    sessions,
    scopes: ingest.scopes,
    secureCookies: publicUrl?.startsWith('https:') ?? false,
    onProjectChange: (name: string) => policies.forget(name),
    otlpGrpcPort: () => grpcReceiver?.port ?? null,
  };
  const deps = { storage, ingest, openSpans, pricing, logger, live, maxBodyBytes: maxBody, ui: options.ui ?? WebUi.installed(), access };
  const limits = connectionLimits(options.connectionLimits);
  const guard = browserGuard({
    listenHost: host,
    publicUrl,
    corsOrigins: options.corsOrigins ?? [],
    ingestPaths: OTLP_PATHS,
  });
  const keys = authGuard(access);
  // Both HTTP ports: the browser defences first, then who the request is.
  const requestGuard: RequestGuard = (req, res, url, need) => guard(req, res, url.pathname) ?? keys(req, res, url, need);
  const httpServer = (router: Router, listener: Listener) =>
    createLimitedServer(routeHandler(router, logger, requestGuard), limits, (message) => logger.warn(`${listener} listener: ${message}`));

  const servers: Server[] = [];
  /** Writes down what is counted in memory: when keys were last used, spans sent per project. */
  const saveCounts = () =>
    Promise.all([
      auth.flush().catch((err) => logger.error('noting when keys were last used failed', err)),
      spanLimits.flush().catch((err) => logger.error('saving span counts failed', err)),
    ]);
  const shutdown = async () => {
    clearInterval(sweeper);
    // Event streams never end on their own: end them, or closing the listeners would wait on them.
    live.close();
    await Promise.all(servers.map(closeHttpServer));
    if (grpcReceiver) await grpcReceiver.close();
    await openSpans.flushStale(true);
    await queue.drain();
    await saveCounts();
    await storage.close();
  };
  let sweeper: NodeJS.Timeout | undefined;
  try {
    const apiServer = await listen(httpServer(apiRouter(deps), 'api'), 'api', host, options.port ?? 4800);
    servers.push(apiServer);
    const otlpServer = await listen(httpServer(otlpRouter(deps), 'otlp-http'), 'otlp-http', host, options.otlpHttpPort ?? 4318);
    servers.push(otlpServer);
    const grpcPort = options.grpcPort ?? 4317;
    grpcReceiver = await startGrpcReceiver(ingest, logger, host, grpcPort, limits, grpcProjectOf(auth), (message) =>
      logger.warn(`grpc listener: ${message}`),
    ).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'EADDRINUSE' ? new PortInUseError('grpc', grpcPort, host) : err;
    });
    sweeper = setInterval(() => {
      storage.purger?.deleteExpired(msToNanos(Date.now())).catch((err: unknown) => logger.error('deleting expired data failed', err));
      openSpans.flushStale().catch((err) => logger.error('storing unfinished spans failed', err));
      void saveCounts();
      retention.run().catch((err) => logger.error('deleting data past its retention failed', err));
    }, options.sweepIntervalMs ?? 60_000);
    sweeper.unref();
    const ports = { api: portOf(apiServer), grpc: grpcReceiver.port, otlpHttp: portOf(otlpServer) };
    let closing: Promise<void> | null = null;
    return {
      host,
      ports,
      storage,
      queue,
      pricing,
      authMode,
      createdAdminKey,
      retention,
      close: () => (closing ??= shutdown()),
    };
  } catch (err) {
    await shutdown().catch(() => undefined);
    throw err;
  }
}

/**
 * Makes sure the default project exists and, when keys are required but no admin key can be
 * given (none in the environment, none stored), makes one: returned to be shown once.
 */
async function prepareAccess(access: AccessStore, mode: AuthMode, envAdminKey: string | null): Promise<string | null> {
  const keyAdmin = new KeyAdmin(access, 'server');
  await keyAdmin.ensureProject(DEFAULT_PROJECT);
  if (mode !== 'required' || envAdminKey) return null;
  const admins = (await access.listKeys()).filter((k) => k.project === null && k.revokedAtMs === null);
  if (admins.length > 0) return null;
  return (await keyAdmin.createKey(null, 'made at first start')).key;
}

function listen(server: Server, listener: Listener, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(listener, port, host) : err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** Stops accepting; lets in-flight requests finish (idle keep-alive connections close at once). */
function closeHttpServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), 10_000);
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    server.close(() => {
      clearTimeout(force);
      clearInterval(idle);
      resolve();
    });
    server.closeIdleConnections();
  });
}
