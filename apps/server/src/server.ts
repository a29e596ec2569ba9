import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as grpc from '@grpc/grpc-js';
import { msToNanos } from '@sightline/core';
import type { Storage } from '@sightline/storage';
import { BodyBudget, DEFAULT_BODY_BUDGET_BYTES } from './http/body-budget.js';
import { browserGuard } from './http/browser-guard.js';
import { type ConnectionLimits, connectionLimits, createLimitedServer } from './http/connection-limits.js';
import { DEFAULT_MAX_BODY_BYTES } from './http/read-body.js';
import type { Router } from './http/router.js';
import { routeHandler } from './http/serve-routes.js';
import { WebUi } from './http/web-ui.js';
import { CallExtractor } from './ingest/call-extractor.js';
import { Ingest } from './ingest/ingest.js';
import { IngestQueue } from './ingest/ingest-queue.js';
import { LiveFeed } from './live/live-feed.js';
import { DEFAULT_LIVE_OPTIONS, LiveHub, type LiveOptions } from './live/live-hub.js';
import { TraceUpdates } from './live/trace-updates.js';
import { OpenSpans, type OpenSpansLimits } from './llama-stack/open-spans.js';
import { consoleLogger, type Logger } from './log.js';
import { startGrpcReceiver } from './otlp/otlp-grpc.js';
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
   * ones keep their defaults: 4,096 connections per HTTP listener, 15 s to send the request
   * headers, 60 s for the whole request, 65 s keep-alive, 120 s idle.
   */
  readonly connectionLimits?: Partial<ConnectionLimits>;
  /** The live stream, `GET /api/live` (see {@link LiveOptions}); its heartbeat is kept within half the idle timeout. */
  readonly live?: Partial<LiveOptions>;
  /** The URL people open the UI by, when it is not a loopback address: its host is accepted (see `browserGuard`). */
  readonly publicUrl?: string | null;
  /** Origins whose pages may call the API (CORS); none by default. */
  readonly corsOrigins?: readonly string[];
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
  const ingest = new Ingest(queue, logger, calls, new BodyBudget(options.maxBodyBytesInFlight ?? DEFAULT_BODY_BUDGET_BYTES), liveFeed);
  const openSpans = new OpenSpans(ingest, logger, options.openSpans);

  const deps = { storage, ingest, openSpans, pricing, logger, live, maxBodyBytes: maxBody, ui: options.ui ?? WebUi.installed() };
  const limits = connectionLimits(options.connectionLimits);
  const guard = browserGuard({
    listenHost: host,
    publicUrl: options.publicUrl ?? null,
    corsOrigins: options.corsOrigins ?? [],
    ingestPaths: OTLP_PATHS,
  });
  const httpServer = (router: Router, listener: Listener) =>
    createLimitedServer(routeHandler(router, logger, listener === 'api' ? guard : null), limits, (message) =>
      logger.warn(`${listener} listener: ${message}`),
    );

  const servers: Server[] = [];
  let grpcServer: grpc.Server | null = null;
  const shutdown = async () => {
    clearInterval(sweeper);
    // Event streams never end on their own: end them, or closing the listeners would wait on them.
    live.close();
    await Promise.all(servers.map(closeHttpServer));
    if (grpcServer) await closeGrpcServer(grpcServer);
    await openSpans.flushStale(true);
    await queue.drain();
    await storage.close();
  };
  let sweeper: NodeJS.Timeout | undefined;
  try {
    const apiServer = await listen(httpServer(apiRouter(deps), 'api'), 'api', host, options.port ?? 4800);
    servers.push(apiServer);
    const otlpServer = await listen(httpServer(otlpRouter(deps), 'otlp-http'), 'otlp-http', host, options.otlpHttpPort ?? 4318);
    servers.push(otlpServer);
    const grpcPort = options.grpcPort ?? 4317;
    const grpcBound = await startGrpcReceiver(ingest, logger, host, grpcPort, limits.idleTimeoutMs).catch((err: Error) => {
      throw /in use|EADDRINUSE|No address added/i.test(err.message) ? new PortInUseError('grpc', grpcPort, host) : err;
    });
    grpcServer = grpcBound.server;
    sweeper = setInterval(() => {
      storage.deleteExpired(msToNanos(Date.now())).catch((err) => logger.error('deleting expired data failed', err));
      openSpans.flushStale().catch((err) => logger.error('storing unfinished spans failed', err));
    }, options.sweepIntervalMs ?? 60_000);
    sweeper.unref();
    const ports = { api: portOf(apiServer), grpc: grpcBound.port, otlpHttp: portOf(otlpServer) };
    let closing: Promise<void> | null = null;
    return {
      host,
      ports,
      storage,
      queue,
      pricing,
      close: () => (closing ??= shutdown()),
    };
  } catch (err) {
    await shutdown().catch(() => undefined);
    throw err;
  }
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

function closeGrpcServer(server: grpc.Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, 10_000);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
