import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';

/** What came back for one request — or that nothing did in time. */
export type Answer =
  | { readonly kind: 'http'; readonly status: number; readonly retryAfter: string | null; readonly body: string }
  | { readonly kind: 'grpc'; readonly code: grpc.status; readonly details: string }
  | { readonly kind: 'none'; readonly error: string };

/**
 * POSTs `body` and reads the whole answer, giving up after `timeoutMs` (a hang). With `gzip`,
 * the body goes compressed with `Content-Encoding: gzip`.
 */
export async function postBody(url: string, contentType: string, body: Uint8Array, gzip: boolean, timeoutMs: number): Promise<Answer> {
  const headers: Record<string, string> = { 'Content-Type': contentType };
  if (gzip) headers['Content-Encoding'] = 'gzip';
  try {
    const res = await fetch(url, { method: 'POST', headers, body: gzip ? gzipSync(body) : body, signal: AbortSignal.timeout(timeoutMs) });
    return { kind: 'http', status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
  } catch (err) {
    return { kind: 'none', error: describeError(err) };
  }
}

type ExportClient = grpc.Client & {
  Export(req: Buffer, metadata: grpc.Metadata, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null) => void): void;
};

/** A unary OTLP/gRPC exporter of raw request bytes for one service, optionally gzip-compressing its messages. */
export class RawGrpcExporter {
  private readonly client: ExportClient;

  constructor(service: grpc.ServiceDefinition, target: string, gzip: boolean) {
    const Client = grpc.makeGenericClientConstructor(service, 'Service');
    this.client = new Client(target, grpc.credentials.createInsecure(), {
      ...(gzip ? { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip } : {}),
    }) as unknown as ExportClient;
  }

  /** Sends `body` as one Export call; a call not answered within `timeoutMs` ends DEADLINE_EXCEEDED (a hang). */
  export(body: Uint8Array, timeoutMs: number, metadata = new grpc.Metadata()): Promise<Answer> {
    return new Promise((resolve) =>
      this.client.Export(Buffer.from(body), metadata, { deadline: Date.now() + timeoutMs }, (err) =>
        resolve(
          err?.code === grpc.status.DEADLINE_EXCEEDED
            ? { kind: 'none', error: `no answer within ${timeoutMs} ms` }
            : { kind: 'grpc', code: err?.code ?? grpc.status.OK, details: err?.details ?? '' },
        ),
      ),
    );
  }

  close(): void {
    this.client.close();
  }
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.name}: ${err.message} (${cause.message})` : `${err.name}: ${err.message}`;
}
