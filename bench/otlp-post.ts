import { type Agent, request } from 'node:http';

/**
 * POSTs an OTLP/HTTP protobuf body; answers the status (or the error code when no answer
 * came) and Retry-After in seconds, null when there is none.
 */
export function postOtlp(
  url: string,
  body: Buffer,
  agent: Agent,
  headers: Record<string, string> = {},
): Promise<{ status: number | string; retryAfter: number | null }> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length, ...headers },
      },
      (res) => {
        res.resume();
        const retry = res.headers['retry-after'];
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: retry === undefined ? null : Number(retry) }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ status: err.code ?? 'error', retryAfter: null }));
    req.end(body);
  });
}
