import { Agent, request } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import type { Template } from './llm-spans.js';

export interface LoadResult {
  readonly spans: number;
  readonly requests: number;
  readonly seconds: number;
  readonly spansPerSecond: number;
  readonly refused: number;
}

/** Request numbers are global, so every request of a run carries new ids. */
let nextRequest = 1;

/** Sends `requests` bodies over OTLP/HTTP with `concurrency` in flight; counts acknowledged spans. */
export async function httpLoad(
  url: string,
  contentType: string,
  template: Template,
  requests: number,
  concurrency: number,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  const post = (body: Buffer) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: { 'Content-Type': contentType, 'Content-Length': body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const answer = Buffer.concat(chunks).toString('latin1');
            // A full success is an empty protobuf message or `{}`: anything else reports rejected spans.
            if (res.statusCode === 200 && answer !== '' && answer !== '{}') reject(new Error(`partial success: ${answer}`));
            else resolve(res.statusCode ?? 0);
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const result = await drive(template, requests, concurrency, async (body) => {
    const status = await post(body);
    if (status !== 200 && status !== 503) throw new Error(`unexpected status ${status}`);
    return status === 200;
  });
  agent.destroy();
  return result;
}

const SERVICE: grpc.ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
};

/** Sends `requests` bodies over OTLP/gRPC with `concurrency` in flight. */
export async function grpcLoad(address: string, template: Template, requests: number, concurrency: number): Promise<LoadResult> {
  const Client = grpc.makeGenericClientConstructor(SERVICE, 'TraceService');
  const client = new Client(address, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': 8 * 1024 * 1024,
  }) as unknown as grpc.Client & {
    Export: (body: Buffer, cb: (err: grpc.ServiceError | null, answer?: Buffer) => void) => void;
  };
  const result = await drive(template, requests, concurrency, async (body) => {
    const [err, answer] = await new Promise<[grpc.ServiceError | null, Buffer | undefined]>((resolve) =>
      client.Export(body, (e, a) => resolve([e, a])),
    );
    if (!err && answer?.length) throw new Error('partial success over gRPC');
    if (err && err.code !== grpc.status.UNAVAILABLE) throw err;
    return !err;
  });
  client.close();
  return result;
}

/**
 * Sends `requests` bodies with `concurrency` in flight. `sendOnce` answers whether the body was
 * accepted; a refused one (the server is behind) is sent again after a pause, as an exporter
 * retries: the same body, the same ids.
 */
async function drive(
  template: Template,
  requests: number,
  concurrency: number,
  sendOnce: (body: Buffer) => Promise<boolean>,
): Promise<LoadResult> {
  let sent = 0;
  let acked = 0;
  let refused = 0;
  const start = performance.now();
  const worker = async () => {
    while (sent < requests) {
      sent++;
      const body = template.body(nextRequest++);
      while (!(await sendOnce(body))) {
        refused++;
        await new Promise((r) => setTimeout(r, 50));
      }
      acked++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { spans: acked * template.spans, requests: acked, seconds, spansPerSecond: (acked * template.spans) / seconds, refused };
}

/** Numbers the next requests from `last + 1` on, so a second server gets the same requests (the same ids) as the first. */
export function setRequestCursor(last: number): void {
  nextRequest = last + 1;
}

/** The request numbers used so far (for picking ids to query). */
export function requestsSent(): number {
  return nextRequest - 1;
}
