import { decodeExportResponseProto, decodeStatusProto, encodeTracesProto, type Span } from '@sightline/core';
import { authHeaders, noAnswer } from '../server-client.js';

/** Times a busy server (503) is asked again, waiting as its `Retry-After` says. */
const RETRIES = 8;

export type SendOutcome =
  | { readonly ok: true; readonly rejected: number; readonly message: string }
  | { readonly ok: false; readonly error: string };

/**
 * POSTs spans to `<base>/v1/traces` as an OTLP/HTTP exporter does (protobuf). A 503 is retried
 * after its `Retry-After`; any other refusal is returned with the server's message.
 */
export async function sendSpans(base: string, spans: readonly Span[]): Promise<SendOutcome> {
  const url = `${base.replace(/\/+$/, '')}/v1/traces`;
  const body = encodeTracesProto(spans);
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', ...authHeaders() }, body });
    } catch (err) {
      return { ok: false, error: noAnswer(base, err) };
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (res.ok) {
      try {
        return { ok: true, ...decodeExportResponseProto(bytes) };
      } catch {
        return {
          ok: false,
          error: `${url} did not answer as an OTLP receiver (HTTP ${res.status}, a body that is not an export response)`,
        };
      }
    }
    const retryAfter = Number(res.headers.get('retry-after'));
    if (res.status === 503 && attempt < RETRIES) {
      await new Promise((r) => setTimeout(r, (Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1) * 1000));
      continue;
    }
    return { ok: false, error: `${url} answered HTTP ${res.status}${reason(res, bytes)}` };
  }
}

/** The message of an OTLP error body (a `google.rpc.Status`, or Sightline's JSON error). */
function reason(res: Response, bytes: Uint8Array): string {
  const type = res.headers.get('content-type') ?? '';
  try {
    if (type.includes('protobuf')) {
      const message = decodeStatusProto(bytes).message;
      return message ? `: ${message}` : '';
    }
    if (type.includes('json')) {
      const message = (JSON.parse(new TextDecoder().decode(bytes)) as { error?: { message?: string }; message?: string }).error?.message;
      return message ? `: ${message}` : '';
    }
  } catch {
    // An unreadable error body: the status says enough.
  }
  return '';
}
