import { createServer, type RequestListener, type Server } from 'node:http';
import { ConnectionTable } from './connection-table.js';

/**
 * What one listener allows its clients, so that slow or idle connections cannot use up the
 * file descriptors the store and `/healthz` need.
 */
export interface ConnectionLimits {
  /**
   * HTTP connections open at once per listener. At the limit, a new connection takes the place
   * of the one that has waited longest with no request in progress; while every one has a
   * request in progress, new ones are closed as they arrive.
   */
  readonly maxConnections: number;
  /** Time to receive a request's headers; a client that connects and sends nothing is answered 408 and closed too. */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole request, body included; then 408 and closed. */
  readonly requestTimeoutMs: number;
  /** How long a keep-alive connection may wait for its next request. */
  readonly keepAliveTimeoutMs: number;
  /**
   * A connection with nothing happening for this long is closed: an HTTP client that stopped
   * reading its answer, a gRPC connection with no call in flight (grpc-js may take up to
   * twice this).
   */
  readonly idleTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 4096,
  headersTimeoutMs: 15_000,
  // A 20 MiB export (the largest body accepted) at about 350 KB/s.
  requestTimeoutMs: 60_000,
  // Longer than the 60 s idle timeout of common load balancers and proxies, so they close first.
  keepAliveTimeoutMs: 65_000,
  // Longer than any request may take to arrive, so only a stalled connection reaches it.
  idleTimeoutMs: 120_000,
};

/** The defaults, with whichever limits `overrides` sets. */
export function connectionLimits(overrides: Partial<ConnectionLimits> = {}): ConnectionLimits {
  const d = DEFAULT_CONNECTION_LIMITS;
  return {
    maxConnections: overrides.maxConnections ?? d.maxConnections,
    headersTimeoutMs: overrides.headersTimeoutMs ?? d.headersTimeoutMs,
    requestTimeoutMs: overrides.requestTimeoutMs ?? d.requestTimeoutMs,
    keepAliveTimeoutMs: overrides.keepAliveTimeoutMs ?? d.keepAliveTimeoutMs,
    idleTimeoutMs: overrides.idleTimeoutMs ?? d.idleTimeoutMs,
  };
}

/**
 * An HTTP server that enforces `limits` on every connection. `warn` hears, at most once a
 * minute for each, that idle connections are being closed to admit new ones, or that new ones
 * are being turned away.
 */
export function createLimitedServer(handler: RequestListener, limits: ConnectionLimits, warn: (message: string) => void): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node checks the two timeouts above on this interval (30 s by default, which would let a
      // silent client stay for up to 45 s instead of 15).
      connectionsCheckingInterval: Math.max(10, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)),
    },
    handler,
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.timeout = limits.idleTimeoutMs;
  const table = new ConnectionTable(limits.maxConnections);
  const warnedAt = { replaced: Number.NEGATIVE_INFINITY, refused: Number.NEGATIVE_INFINITY };
  server.on('connection', (socket) => {
    const outcome = table.admit(socket);
    if (outcome === 'admitted' || Date.now() - warnedAt[outcome] < 60_000) return;
    warnedAt[outcome] = Date.now();
    warn(
      outcome === 'replaced'
        ? `${limits.maxConnections} connections are open, the limit; closing the longest idle ones to admit new ones`
        : `${limits.maxConnections} connections are open, the limit, each with a request in progress; closing new ones as they arrive`,
    );
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    table.requestStarted(socket);
    res.once('close', () => table.requestEnded(socket));
  });
  // To Node, an idle connection is a kept-alive one between requests; one that has not sent a
  // request yet is idle too, and must not hold up a shutdown until its headers time out.
  const closeKeptAlive = server.closeIdleConnections.bind(server);
  server.closeIdleConnections = () => {
    closeKeptAlive();
    table.closeWaiting();
  };
  return server;
}
