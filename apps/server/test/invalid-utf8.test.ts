import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceSpans } from '../../../testing/reference-spans.js';
import { postTraces } from './support/fixtures.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer;
beforeAll(async () => {
  sl = await startTestServer();
});
afterAll(() => sl.stop());

/** `body` with the first `#` inside `text` (as encoded) replaced by `byte`. */
function spoil(body: Uint8Array, text: string, byte: number): Uint8Array {
  const out = Buffer.from(body);
  const at = out.indexOf(text);
  if (at < 0) throw new Error(`${text} is not in the body`);
  out[at + text.indexOf('#')] = byte;
  return out;
}

describe('invalid UTF-8 in an OTLP request', () => {
  it('protobuf: the span is stored with U+FFFD in place of the bad byte, with every other span of the request', async () => {
    const spans = referenceSpans(4, 31).map((s, i) =>
      i === 1 ? Object.assign(Object.create(Object.getPrototypeOf(s)), s, { name: 'chat #', attributes: { 'app.note': 'caf# ok' } }) : s,
    );
    let body = ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array;
    body = spoil(spoil(body, 'chat #', 0xff), 'caf# ok', 0xc3);
    const res = await postTraces(sl.otlpHttp, body);
    expect(res.status).toBe(200);
    const { status, body: trace } = await getJson(sl.api, `/api/traces/${spans[0]?.spanContext().traceId}`);
    expect(status).toBe(200);
    expect(trace.spans).toHaveLength(4);
    const bad = trace.spans.find((s: { span_id: string }) => s.span_id === spans[1]?.spanContext().spanId);
    expect(bad.name).toBe('chat \uFFFD');
    expect(bad.attributes['app.note']).toBe('caf\uFFFD ok');
  });

  it('JSON: the same rule', async () => {
    const text = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '7b8efff798038103d269b633813fc60c',
                  spanId: 'aee19b7ec3c1b174',
                  name: 'chat #',
                  startTimeUnixNano: '1700000000000000000',
                  endTimeUnixNano: '1700000000100000000',
                },
              ],
            },
          ],
        },
      ],
    });
    const body = spoil(new TextEncoder().encode(text), 'chat #', 0xff);
    const res = await postTraces(sl.otlpHttp, body, { 'Content-Type': 'application/json' });
    expect(res.status).toBe(200);
    const { body: trace } = await getJson(sl.api, '/api/traces/7b8efff798038103d269b633813fc60c');
    expect(trace.spans[0].name).toBe('chat \uFFFD');
  });
});
