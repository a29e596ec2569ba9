import { createServer } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { DecodeError, encodeExportResponseProto } from '@sightline/core';
import type { ConnectionLimits } from '../http/connection-limits.js';
import { ConnectionTable } from '../http/connection-table.js';
import type { HttpError } from '../http/http-error.js';
import type { Ingest } from '../ingest/ingest.js';
import type { Logger } from '../log.js';
import { type Accepting, LOGS, METRICS, type Signal, startAccept, TRACES } from './otlp-http.js';

/** The gRPC status for the HTTP status an ingest failure carries. */
const GRPC_STATUS_OF_HTTP: Readonly<Record<number, grpc.status>> = {
  400: grpc.status.INVALID_ARGUMENT,
  401: grpc.status.UNAUTHENTICATED,
  403: grpc.status.PERMISSION_DENIED,
  429: grpc.status.RESOURCE_EXHAUSTED,
  500: grpc.status.INTERNAL,
  503: grpc.status.UNAVAILABLE,
};

/** gRPC's default and OTLP's expectation: 4 MiB per received message. */
export const GRPC_MAX_RECEIVE_BYTES = 4 * 1024 * 1024;

const passThrough = {
  requestStream: false,
  responseStream: false,
  // Decoding happens in the handler, where a malformed body becomes INVALID_ARGUMENT.
  requestSerialize: (value: Buffer) => value,
  requestDeserialize: (bytes: Buffer) => bytes,
  responseSerialize: (value: Uint8Array) => Buffer.from(value.buffer, value.byteOffset, value.byteLength),
  responseDeserialize: (bytes: Buffer) => bytes,
} as const;

export const TRACE_SERVICE: grpc.ServiceDefinition = {
  Export: { path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export', originalName: 'Export', ...passThrough },
};

export const LOGS_SERVICE: grpc.ServiceDefinition = {
  Export: { path: '/opentelemetry.proto.collector.logs.v1.LogsService/Export', originalName: 'Export', ...passThrough },
};

export const METRICS_SERVICE: grpc.ServiceDefinition = {
  Export: { path: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', originalName: 'Export', ...passThrough },
};

/** A running OTLP/gRPC receiver: its port, and how to stop it. */
export interface GrpcReceiver {
  readonly port: number;
  /** Stops taking connections; calls in flight get up to 10 s to finish. */
  close(): Promise<void>;
}

/**
 * The OTLP/gRPC receiver: the trace, logs and metrics services. A connection with no call in
 * flight for `limits.idleTimeoutMs` is closed (clients reconnect on their next export). At most
 * `limits.maxConnections` are open at once: at the limit, a new connection takes the place of
 * the oldest one that has not sent a byte; when every one has, the new one is closed and `warn`
 * hears so (at most once a minute).
 */
export async function startGrpcReceiver(
  ingest: Ingest,
  logger: Logger,
  host: string,
  port: number,
  limits: Pick<ConnectionLimits, 'idleTimeoutMs' | 'maxConnections'>,
  /** The project a call writes to, from its metadata (`authorization`, `x-sightline-project`), or why it may not. */
  projectOf: (metadata: grpc.Metadata, peer: string) => Promise<string | HttpError>,
  warn: (message: string) => void = (message) => logger.warn(message),
): Promise<GrpcReceiver> {
  // grpc-js prints its own errors (a failed bind, say) to stderr; ours say it better. Its
  // GRPC_VERBOSITY variable still turns them back on.
  if (process.env.GRPC_VERBOSITY === undefined && process.env.GRPC_NODE_VERBOSITY === undefined)
    grpc.setLogVerbosity(grpc.logVerbosity.NONE);
  const server = new grpc.Server({
    'grpc.max_receive_message_length': GRPC_MAX_RECEIVE_BYTES,
    'grpc.max_send_message_length': 1024 * 1024,
    // Connections that never send anything, and exporters that went quiet, give their file descriptor back.
    'grpc.max_connection_idle_ms': limits.idleTimeoutMs,
    // Even a busy connection is replaced hourly (its calls get 30 s to finish), so none lives forever.
    'grpc.max_connection_age_ms': 3_600_000,
    'grpc.max_connection_age_grace_ms': 30_000,
    // Messages are read before the handler checks the caller's key: bound what one connection can make the server hold.
    'grpc.max_concurrent_streams': 64,
  });
  for (const [service, signal] of [
    [TRACE_SERVICE, TRACES],
    [LOGS_SERVICE, LOGS],
    [METRICS_SERVICE, METRICS],
  ] as const) {
    server.addService(service, {
      Export: (call: grpc.ServerUnaryCall<Buffer, Uint8Array>, callback: grpc.sendUnaryData<Uint8Array>) => {
        exportCall(signal as Signal<unknown>, ingest, call, projectOf).then(
          (result) => callback(result.error, result.response),
          (err: unknown) => {
            logger.error('gRPC export failed', err);
            callback({ code: grpc.status.INTERNAL, details: 'internal error' }, null);
          },
        );
      },
    });
  }
  // grpc-js has no limit on connections, so the listening socket is ours: each connection is
  // counted, then handed to grpc-js.
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const table = new ConnectionTable(limits.maxConnections, (socket) => socket.bytesRead > 0);
  let warnedAt = Number.NEGATIVE_INFINITY;
  const listener = createServer((socket) => {
    if (table.admit(socket) !== 'refused') {
      injector.injectConnection(socket);
      return;
    }
    if (Date.now() - warnedAt < 60_000) return;
    warnedAt = Date.now();
    warn(`${limits.maxConnections} connections are open, the limit, each in use; closing new ones as they arrive`);
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, host, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  return {
    port: (listener.address() as { port: number }).port,
    close: async () => {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
      await shutdownGrpc(server);
    },
  };
}

/** Lets calls in flight finish, for up to 10 s. */
function shutdownGrpc(server: grpc.Server): Promise<void> {
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

async function exportCall<D>(
  signal: Signal<D>,
  ingest: Ingest,
  call: grpc.ServerUnaryCall<Buffer, Uint8Array>,
  projectOf: (metadata: grpc.Metadata, peer: string) => Promise<string | HttpError>,
): Promise<{ error: grpc.ServiceError | null; response: Uint8Array | null }> {
  const project = await projectOf(call.metadata, call.getPeer());
  if (typeof project !== 'string') return fail(GRPC_STATUS_OF_HTTP[project.status] ?? grpc.status.UNAUTHENTICATED, project.message);
  return exportSignal(signal, ingest, project, call.request);
}

async function exportSignal<D>(
  signal: Signal<D>,
  ingest: Ingest,
  project: string,
  body: Buffer,
): Promise<{ error: grpc.ServiceError | null; response: Uint8Array | null }> {
  const hold = ingest.bodies.hold();
  try {
    if (!hold.grow(body.length))
      return fail(grpc.status.UNAVAILABLE, 'the server is holding as many request bytes as it takes at once; retry later');
    return await exportDecoded(signal, ingest, project, body);
  } finally {
    hold.release();
  }
}

async function exportDecoded<D>(
  signal: Signal<D>,
  ingest: Ingest,
  project: string,
  body: Buffer,
): Promise<{ error: grpc.ServiceError | null; response: Uint8Array | null }> {
  let accepting: Accepting;
  try {
    accepting = startAccept(signal, ingest, project, await signal.decodeProto(body));
  } catch (err) {
    if (err instanceof DecodeError) return fail(grpc.status.INVALID_ARGUMENT, `cannot decode the request: ${err.message}`);
    throw err;
  }
  const failure = await accepting.committing;
  if (failure) return fail(GRPC_STATUS_OF_HTTP[failure.status] ?? grpc.status.INVALID_ARGUMENT, failure.message);
  return { error: null, response: encodeExportResponseProto(accepting.outcome) };
}

function fail(code: grpc.status, details: string): { error: grpc.ServiceError; response: null } {
  const error = Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
  return { error, response: null };
}
