import { gzipSync } from 'node:zlib';
import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkProvider } from './support/otel-clients.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

/** The path the Langfuse SDKs export to, under the host a user configures. */
const PATH = '/api/public/otel/v1/traces';
/** What a Langfuse SDK sends: `Basic base64(public key:secret key)`. */
const BASIC = `Basic ${Buffer.from('pk-lf-1234:sk-lf-5678').toString('base64')}`;

let sl: TestServer;
beforeAll(async () => {
  sl = await startTestServer();
});
afterAll(() => sl.stop());

/** A Langfuse generation, with the attributes the Langfuse Python SDK's OpenAI integration writes. */
async function sendGeneration(url: string, kind: 'proto' | 'json', label: string): Promise<string> {
  const options = { url, compression: CompressionAlgorithm.GZIP, headers: { Authorization: BASIC } };
  const exporter = kind === 'proto' ? new ProtoExporter(options) : new JsonExporter(options);
  const provider = sdkProvider(exporter, `langfuse-${label}`);
  const tracer = provider.getTracer('langfuse-sdk', '5.2.0');
  const root = tracer.startSpan('answer', {
    attributes: { 'langfuse.observation.type': 'span', 'session.id': `sess-${label}`, 'user.id': `user-${label}` },
  });
  const generation = tracer.startSpan(
    'OpenAI-generation',
    {
      attributes: {
        'langfuse.observation.type': 'generation',
        'langfuse.observation.model.name': 'gpt-4o-mini-2024-07-18',
        'langfuse.observation.usage_details': JSON.stringify({
          completion_tokens: 8,
          prompt_tokens: 24,
          total_tokens: 32,
          prompt_tokens_details: { cached_tokens: 16 },
          completion_tokens_details: { reasoning_tokens: 0 },
        }),
        'langfuse.observation.metadata.finish_reason': JSON.stringify('stop'),
        'session.id': `sess-${label}`,
        'user.id': `user-${label}`,
      },
    },
    trace.setSpan(context.active(), root),
  );
  generation.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return root.spanContext().traceId;
}

describe('Langfuse SDKs pointed at Sightline (POST /api/public/otel/v1/traces)', () => {
  describe.each([
    ['the main port', () => sl.api],
    ['the OTLP/HTTP port', () => sl.otlpHttp],
  ])('on %s', (_port, base) => {
    it.each(['proto', 'json'] as const)('takes gzip %s with Basic credentials and derives the call', async (kind) => {
      const label = `${kind}-${base().split(':').at(-1)}`;
      const traceId = await sendGeneration(`${base()}${PATH}`, kind, label);
      const { status, body } = await getJson(sl.api, `/api/llm-calls?trace_id=${traceId}`);
      expect(status).toBe(200);
      expect(body.data).toHaveLength(1);
      expect(body.data[0]).toMatchObject({
        vocabulary: 'langfuse',
        service_name: `langfuse-${label}`,
        provider: 'openai',
        model: 'gpt-4o-mini-2024-07-18',
        input_tokens: 24,
        output_tokens: 8,
        total_tokens: 32,
        cache_read_tokens: 16,
        reasoning_tokens: 0,
        finish_reasons: ['stop'],
        session_id: `sess-${label}`,
        user_id: `user-${label}`,
        is_error: false,
      });
    });
  });

  it('answers a bad body as /v1/traces does, and takes a request with no credentials at all', async () => {
    const bad = await fetch(`${sl.api}${PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip', Authorization: BASIC },
      body: gzipSync(Buffer.from([0xff, 0xff, 0xff])),
    });
    const reference = await fetch(`${sl.api}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' },
      body: gzipSync(Buffer.from([0xff, 0xff, 0xff])),
    });
    expect(bad.status).toBe(400);
    expect(bad.status).toBe(reference.status);
    expect(Buffer.from(await bad.arrayBuffer())).toEqual(Buffer.from(await reference.arrayBuffer()));

    const anonymous = await fetch(`${sl.otlpHttp}${PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [] }),
    });
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({});
  });
});
