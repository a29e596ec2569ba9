import { gzipSync } from 'node:zlib';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { ProtoReader } from '@sightline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceSpans } from '../../../testing/reference-spans.js';
import { referenceTracesBody } from './support/fixtures.js';
import { getJson, json, startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer;
beforeAll(async () => {
  sl = await startTestServer();
});
afterAll(() => sl.stop());

const PROTO = { 'Content-Type': 'application/x-protobuf' };
const JSON_TYPE = { 'Content-Type': 'application/json' };
const post = (body: Uint8Array | Buffer | string, headers: Record<string, string>, base = sl.otlpHttp) =>
  fetch(`${base}/v1/traces`, { method: 'POST', headers, body });

/** Reads a google.rpc.Status (code 1, message 2). */
function readStatus(bytes: Uint8Array): { code: number; message: string } {
  const r = new ProtoReader(bytes);
  let code = 0;
  let message = '';
  while (r.pos < bytes.length) {
    const tag = r.uint32();
    if (tag === 0x08) code = r.uint32();
    else if (tag === 0x12) message = r.string(bytes.length);
    else r.skip(tag & 7, bytes.length);
  }
  return { code, message };
}

function jsonSpan(overrides: Record<string, unknown>) {
  return {
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
    name: 'ok-span',
    kind: 1,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000100000000',
    ...overrides,
  };
}

describe('OTLP/HTTP answers', () => {
  it('answers a protobuf request in protobuf, decodable by the OTel SDK', async () => {
    const res = await post(referenceTracesBody(3, 21), PROTO);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    const answer = ProtobufTraceSerializer.deserializeResponse(new Uint8Array(await res.arrayBuffer()));
    expect(answer.partialSuccess).toBeUndefined();
  });

  it('accepts an empty request', async () => {
    expect((await post(new Uint8Array(0), PROTO)).status).toBe(200);
    const res = await post('{}', JSON_TYPE);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({});
    expect((await post('{"resourceSpans":[]}', JSON_TYPE)).status).toBe(200);
  });

  it('keeps the valid spans and reports the invalid ones in partial_success (JSON)', async () => {
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'partial-json' } }] },
          scopeSpans: [
            {
              spans: [
                jsonSpan({}),
                jsonSpan({ spanId: 'abcd', name: 'short-id' }),
                jsonSpan({ spanId: 'eee19b7ec3c1b175', name: 'backwards', endTimeUnixNano: '1600000000000000000' }),
                jsonSpan({ traceId: 'zz8efff798038103d269b633813fc60c', name: 'not-hex' }),
                jsonSpan({ spanId: 'eee19b7ec3c1b176', name: 'child', parentSpanId: 'eee19b7ec3c1b174' }),
              ],
            },
          ],
        },
      ],
    };
    const res = await post(JSON.stringify(body), JSON_TYPE);
    expect(res.status).toBe(200);
    const answer = await json(res);
    expect(answer.partialSuccess.rejectedSpans).toBe('3');
    expect(answer.partialSuccess.errorMessage).toContain('span_id must be 8 bytes, got 2');
    expect(answer.partialSuccess.errorMessage).toContain('end_time_unix_nano is before start_time_unix_nano');
    expect(answer.partialSuccess.errorMessage).toContain('trace_id is not hex');
    const trace = await getJson(sl.api, '/api/traces/5b8efff798038103d269b633813fc60c');
    expect(trace.body.spans.map((s: { name: string }) => s.name)).toEqual(['ok-span', 'child']);
  });

  it('keeps the valid spans and reports the invalid ones in partial_success (protobuf)', async () => {
    const spans = referenceSpans(4, 33);
    const bad = { ...spans[2], spanContext: () => ({ ...spans[2]?.spanContext(), spanId: 'abcd' }) } as (typeof spans)[number];
    const res = await post(ProtobufTraceSerializer.serializeRequest([spans[0]!, spans[1]!, bad, spans[3]!]) as Uint8Array, PROTO);
    expect(res.status).toBe(200);
    const answer = ProtobufTraceSerializer.deserializeResponse(new Uint8Array(await res.arrayBuffer()));
    expect(Number(answer.partialSuccess?.rejectedSpans)).toBe(1);
    expect(answer.partialSuccess?.errorMessage).toMatch(/span_id must be 8 bytes, got 2/);
    const trace = await getJson(sl.api, `/api/traces/${spans[0]?.spanContext().traceId}`);
    expect(trace.body.spans).toHaveLength(3);
  });

  it('refuses an undecodable protobuf body with 400 and a google.rpc.Status saying why', async () => {
    const res = await post(Buffer.from([0x0a, 0xff, 0xff, 0x01, 0x00]), PROTO);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect(readStatus(new Uint8Array(await res.arrayBuffer()))).toEqual({
      code: 3,
      message: 'cannot decode the request: length exceeds the enclosing message',
    });
  });

  it('refuses malformed JSON with 400, naming the problem', async () => {
    const res = await post('{"resourceSpans": [', JSON_TYPE);
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('invalid_argument');
    expect(body.error.message).toMatch(/not valid JSON/);
    expect(body.code).toBe(3);
    const wrongType = await post('{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":{"x":1}}]}]}]}', JSON_TYPE);
    expect(wrongType.status).toBe(400);
    expect((await json(wrongType)).error.message).toContain('resourceSpans[0].scopeSpans[0].spans[0].name: expected a string');
  });

  it('refuses other content types and encodings with 415', async () => {
    const res = await post('hello', { 'Content-Type': 'text/plain' });
    expect(res.status).toBe(415);
    expect((await json(res)).error.code).toBe('unsupported_media_type');
    const br = await post('x', { ...JSON_TYPE, 'Content-Encoding': 'br' });
    expect(br.status).toBe(415);
    expect((await json(br)).error.message).toContain('Content-Encoding "br"');
  });

  it('accepts gzip and refuses a body that is not gzip', async () => {
    const ok = await post(
      gzipSync(
        JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [jsonSpan({ spanId: '1111111111111111', name: 'zipped' })] }] }] }),
      ),
      {
        ...JSON_TYPE,
        'Content-Encoding': 'gzip',
      },
    );
    expect(ok.status).toBe(200);
    const bad = await post('not gzip at all', { ...JSON_TYPE, 'Content-Encoding': 'gzip' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.message).toMatch(/not valid gzip/);
  });

  it('refuses more than 20 MiB with 413, whether declared, streamed or inflated from gzip', async () => {
    const big = Buffer.alloc(21 * 1024 * 1024, 0x20);
    const declared = await post(big, JSON_TYPE);
    expect(declared.status).toBe(413);
    expect((await json(declared)).error.code).toBe('payload_too_large');
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 25) controller.enqueue(chunk);
        else controller.close();
      },
    });
    // Chunked, with no declared length: the server stops reading at the limit, answers 413 and closes.
    const streamed = await fetch(`${sl.otlpHttp}/v1/traces`, {
      method: 'POST',
      headers: JSON_TYPE,
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const inflated = await post(bomb, { ...PROTO, 'Content-Encoding': 'gzip' });
    expect(inflated.status).toBe(413);
    expect(readStatus(new Uint8Array(await inflated.arrayBuffer())).message).toMatch(/exceeds 20 MiB/);
    // The server is still answering.
    expect((await getJson(sl.api, '/healthz')).body.status).toBe('ok');
  });

  it('accepts a body just under 20 MiB', async () => {
    const pad = 'x'.repeat(19 * 1024 * 1024);
    const body = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [jsonSpan({ spanId: '2222222222222222', name: 'padded', attributes: [{ key: 'pad', value: { stringValue: pad } }] })],
            },
          ],
        },
      ],
    });
    expect((await post(body, JSON_TYPE)).status).toBe(200);
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    const missing = await fetch(`${sl.otlpHttp}/v1/profiles`, { method: 'POST', headers: PROTO, body: new Uint8Array(0) });
    expect(missing.status).toBe(404);
    const wrong = await fetch(`${sl.api}/v1/traces`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect((await json(wrong)).error.code).toBe('method_not_allowed');
  });
});

describe('hostile bodies', () => {
  it('never takes the server down and never stores invalid spans', async () => {
    const valid = referenceTracesBody(6, 44);
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const statuses = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const body = Uint8Array.from(valid);
      for (let m = 0; m < 3; m++) body[Math.floor(rand() * body.length)] = Math.floor(rand() * 256);
      const res = await post(body.subarray(0, rand() < 0.3 ? Math.floor(rand() * body.length) : body.length), PROTO);
      statuses.add(res.status);
      expect([200, 400]).toContain(res.status);
      await res.arrayBuffer();
    }
    expect(statuses.has(400)).toBe(true);
    const list = await getJson(sl.api, '/api/traces?limit=1000');
    for (const t of list.body.data) {
      expect(t.trace_id).toMatch(/^[0-9a-f]{32}$/);
      const detail = await getJson(sl.api, `/api/traces/${t.trace_id}`);
      expect(detail.status).toBe(200);
      for (const s of detail.body.spans) {
        expect(s.span_id).toMatch(/^[0-9a-f]{16}$/);
        expect(Date.parse(s.end_time)).toBeGreaterThanOrEqual(Date.parse(s.start_time));
      }
    }
    expect((await getJson(sl.api, '/healthz')).status).toBe(200);
  });
});
