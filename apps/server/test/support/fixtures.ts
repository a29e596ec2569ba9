import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { referenceSpans } from '../../../../testing/reference-spans.js';

const ROOT = fileURLToPath(new URL('../../../../testing/fixtures/otlp/', import.meta.url));

export interface FixtureBody {
  readonly name: string;
  readonly contentType: 'application/x-protobuf' | 'application/json';
  readonly body: Buffer;
}

/**
 * The recorded OTLP/HTTP bodies (see testing/fixtures/README.md), in call order, for one
 * instrumentation (`openinference-js` or `otel-genai-contrib`) and one encoding.
 */
export function fixtureBodies(set: 'openinference-js' | 'otel-genai-contrib', encoding: 'proto' | 'json'): FixtureBody[] {
  const dir = `${ROOT}${set}/`;
  return readdirSync(dir)
    .filter((f) => f.includes(`.${encoding}.`))
    .sort((a, b) => Number(a.split('.').at(-2)) - Number(b.split('.').at(-2)))
    .map((name) => ({
      name,
      contentType: encoding === 'proto' ? 'application/x-protobuf' : 'application/json',
      body: readFileSync(dir + name),
    }));
}

/** POSTs a recorded body to an OTLP/HTTP endpoint. */
export function postFixture(base: string, fixture: FixtureBody): Promise<Response> {
  return postTraces(base, fixture.body, { 'Content-Type': fixture.contentType });
}

/**
 * POSTs an OTLP/HTTP traces body to `base`'s `/v1/traces`: as JSON when it is a string, as
 * protobuf otherwise; `headers` adds to the request's (an API key, say), and a `Content-Type`
 * among them replaces the guess (JSON held as bytes).
 */
export function postTraces(base: string, body: string | Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  const contentType = typeof body === 'string' ? 'application/json' : 'application/x-protobuf';
  return fetch(`${base}/v1/traces`, { method: 'POST', headers: { 'Content-Type': contentType, ...headers }, body });
}

/** An OTLP/HTTP protobuf traces body of `n` reference spans (see testing/reference-spans.ts), made from `seed`. */
export function referenceTracesBody(n: number, seed: number): Uint8Array {
  return ProtobufTraceSerializer.serializeRequest(referenceSpans(n, seed)) as Uint8Array;
}
