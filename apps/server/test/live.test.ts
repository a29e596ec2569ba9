import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { type Attributes, SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { postTraces } from './support/fixtures.js';
import { openSse, type SseStream } from './support/sse-client.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer | null = null;
const streams: SseStream[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  await sl?.stop();
  sl = null;
});

const start = async (options: Parameters<typeof startTestServer>[0] = {}) => {
  sl = await startTestServer(options);
  return sl;
};

/** Subscribes to `/api/live<query>` and waits until the server has taken the client on. */
async function live(server: TestServer, query = '', headers: Record<string, string> = {}): Promise<SseStream> {
  const stream = await openSse(`${server.api}/api/live${query}`, headers);
  streams.push(stream);
  expect(stream.status).toBe(200);
  // The first frame (`retry:` and `id:`) says the stream is open.
  const deadline = Date.now() + 5000;
  while (stream.lastId() === null && Date.now() < deadline) await sleep(5);
  expect(stream.lastId()).toMatch(/^\d+$/);
  return stream;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

interface CallSpec {
  model?: string;
  provider?: string;
  input?: number;
  output?: number;
  error?: boolean;
  attributes?: Attributes;
}

interface BuiltTrace {
  traceId: string;
  rootId: string;
  callIds: string[];
  spans: ReadableSpan[];
}

/**
 * A trace as an SDK exports it: an agent root span (left out when `root` is false) with a chat
 * call span per spec under it, in the OpenTelemetry GenAI vocabulary.
 */
function trace(calls: CallSpec[], opts: { service?: string; root?: boolean; traceId?: string; rootId?: string } = {}): BuiltTrace {
  const traceId = opts.traceId ?? hex(16);
  const rootId = opts.rootId ?? hex(8);
  const resource = resourceFromAttributes({ 'service.name': opts.service ?? 'support-bot' });
  const startNs = BigInt(Date.now() - 5000) * 1_000_000n;
  const span = (spanId: string, parent: string | undefined, name: string, attributes: Attributes, s: bigint, e: bigint, error = false) =>
    ({
      name,
      kind: parent ? SpanKind.CLIENT : SpanKind.SERVER,
      spanContext: () => ({ traceId, spanId, traceFlags: TraceFlags.SAMPLED }),
      parentSpanContext: parent ? { traceId, spanId: parent, traceFlags: TraceFlags.SAMPLED } : undefined,
      startTime: hr(s),
      endTime: hr(e),
      status: { code: error ? SpanStatusCode.ERROR : SpanStatusCode.UNSET },
      attributes,
      links: [],
      events: [],
      duration: hr(e - s),
      ended: true,
      resource,
      instrumentationScope: { name: '@example/llm', version: '1.0.0' },
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    }) as ReadableSpan;
  const callIds: string[] = [];
  const spans = calls.map((c, i) => {
    const id = hex(8);
    callIds.push(id);
    const model = c.model ?? 'gpt-4o-mini';
    const s = startNs + BigInt(i + 1) * 10_000_000n;
    return span(
      id,
      rootId,
      `chat ${model}`,
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': c.provider ?? 'openai',
        'gen_ai.request.model': model,
        'gen_ai.usage.input_tokens': c.input ?? 100,
        'gen_ai.usage.output_tokens': c.output ?? 20,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'What is the weather?' }] }]),
        ...c.attributes,
      },
      s,
      s + 400_000_000n,
      c.error,
    );
  });
  if (opts.root !== false) spans.push(span(rootId, undefined, 'agent.run', { 'session.id': 'conv-1' }, startNs, startNs + 2_000_000_000n));
  return { traceId, rootId, callIds, spans };
}

function hr(ns: bigint): [number, number] {
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

/** POSTs spans over OTLP/HTTP protobuf (the official serializer); returns the status and how long the answer took. */
async function send(server: TestServer, ...traces: BuiltTrace[]): Promise<{ status: number; ms: number }> {
  const body = ProtobufTraceSerializer.serializeRequest(traces.flatMap((t) => t.spans)) as Uint8Array;
  const started = performance.now();
  const res = await postTraces(server.otlpHttp, body);
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started };
}

const callsOf = (s: SseStream) => s.events.filter((e) => e.event === 'call');
const tracesOf = (s: SseStream) => s.events.filter((e) => e.event === 'trace');

/** Waits until `s` has at least `n` events of `kind`. */
async function waitForCount(s: SseStream, kind: string, n: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (s.events.filter((e) => e.event === kind).length < n) {
    if (Date.now() > deadline) throw new Error(`${s.events.filter((e) => e.event === kind).length} ${kind} events of ${n} expected`);
    await sleep(10);
  }
}

describe('GET /api/live', () => {
  it('streams a call event per new LLM call, as GET /api/llm-calls lists it, then the finished trace', async () => {
    const server = await start();
    const stream = await live(server);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers['cache-control']).toBe('no-store');
    expect(stream.headers['x-content-type-options']).toBe('nosniff');

    const t = trace([
      { model: 'gpt-4o-mini', input: 120, output: 30 },
      { model: 'gpt-4o', input: 900, output: 80, error: true },
    ]);
    expect((await send(server, t)).status).toBe(200);
    await waitForCount(stream, 'call', 2);
    const traceEvent = await stream.waitFor((e) => e.event === 'trace');

    const calls = callsOf(stream);
    expect(calls.map((e) => e.data.span_id).sort()).toEqual([...t.callIds].sort());
    const ids = stream.events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    // The trace comes after its calls.
    expect(stream.events.at(-1)).toBe(traceEvent);

    const { body: listed } = await getJson(server.api, `/api/llm-calls?trace_id=${t.traceId}`);
    for (const event of calls) {
      const stored = listed.data.find((c: any) => c.span_id === event.data.span_id);
      // The same JSON, save the content (messages, tool calls, parameters), which live events leave out.
      expect(Object.keys(event.data).sort()).toEqual(Object.keys(stored).sort());
      const { input_messages, output_messages, tool_calls, parameters, provenance, ...figures } = stored;
      expect(event.data).toMatchObject(figures);
      expect(event.data.input_messages).toBeNull();
    }
    const failed = calls.find((e) => e.data.request_model === 'gpt-4o')?.data;
    expect(failed).toMatchObject({
      trace_id: t.traceId,
      provider: 'openai',
      input_tokens: 900,
      is_error: true,
      counted: true,
      project: 'default',
    });
    expect(failed.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);

    const { body: traces } = await getJson(server.api, '/api/traces');
    expect(traceEvent.data).toEqual(traces.data[0]);
    expect(traceEvent.data).toMatchObject({
      trace_id: t.traceId,
      root_is_complete: true,
      span_count: 3,
      llm_call_count: 2,
      error_count: 1,
    });
  });

  it('announces a span an exporter sends again once', async () => {
    const server = await start();
    const stream = await live(server);
    const t = trace([{}, {}]);
    await send(server, t);
    await waitForCount(stream, 'call', 2);
    await stream.waitFor((e) => e.event === 'trace');
    const seen = stream.events.length;
    expect((await send(server, t)).status).toBe(200);
    expect((await send(server, t)).status).toBe(200);
    const later = trace([{}]);
    await send(server, later);
    await stream.waitFor((e) => e.event === 'trace' && e.data.trace_id === later.traceId);
    expect(stream.events.slice(seen).map((e) => e.data.span_id ?? e.data.trace_id)).toEqual([later.callIds[0], later.traceId]);
  });

  it('announces a trace when its root span arrives, then again (at most once per interval) as spans are added', async () => {
    const server = await start({ live: { traceIntervalMs: 400 } });
    const stream = await live(server, '?events=trace');
    const first = trace([{}, {}], { root: false });
    await send(server, first);
    await sleep(300);
    expect(tracesOf(stream)).toEqual([]);

    await send(server, trace([], { traceId: first.traceId, rootId: first.rootId }));
    const announced = await stream.waitFor((e) => e.event === 'trace');
    const announcedAt = Date.now();
    expect(announced.data).toMatchObject({ trace_id: first.traceId, span_count: 3, llm_call_count: 2, root_is_complete: true });

    // Two more requests of late spans: one update with both, not before the interval is over.
    await send(server, trace([{}], { traceId: first.traceId, rootId: first.rootId, root: false }));
    await send(server, trace([{}], { traceId: first.traceId, rootId: first.rootId, root: false }));
    const update = await stream.waitFor((e) => e.event === 'trace' && e.data.span_count === 5, 3000);
    expect(Date.now() - announcedAt).toBeGreaterThanOrEqual(300);
    expect(update.data.llm_call_count).toBe(4);
    await sleep(600);
    expect(tracesOf(stream).map((e) => e.data.span_count)).toEqual([3, 5]);
    // events=trace: no call events.
    expect(callsOf(stream)).toEqual([]);
  });

  it('sends each client only the events its filters match', async () => {
    const server = await start();
    const byModel = await live(server, '?model=gpt-4o');
    const byProvider = await live(server, '?provider=anthropic');
    const byService = await live(server, '?service=search-api');
    const byAttribute = await live(server, '?attr.user.id=eq:u-7');
    const errors = await live(server, '?status=error&events=call,trace');
    const everything = await live(server);

    const a = trace([{ model: 'gpt-4o' }, { model: 'gpt-4o-mini' }], { service: 'support-bot' });
    const b = trace([{ model: 'claude-sonnet-4-5', provider: 'anthropic', attributes: { 'user.id': 'u-7' } }], { service: 'search-api' });
    const c = trace([{ model: 'gpt-4o', error: true }], { service: 'search-api' });
    expect((await send(server, a, b)).status).toBe(200);
    expect((await send(server, c)).status).toBe(200);
    await waitForCount(everything, 'call', 4);
    await waitForCount(everything, 'trace', 3);
    await sleep(200);

    const spanIds = (s: SseStream) => callsOf(s).map((e) => e.data.span_id);
    const traceIds = (s: SseStream) => tracesOf(s).map((e) => e.data.trace_id);
    expect(spanIds(byModel).sort()).toEqual([a.callIds[0], c.callIds[0]].sort());
    expect(spanIds(byProvider)).toEqual(b.callIds);
    expect(spanIds(byService).sort()).toEqual([...b.callIds, ...c.callIds].sort());
    expect(spanIds(byAttribute)).toEqual(b.callIds);
    expect(spanIds(errors)).toEqual(c.callIds);
    // Model, provider and attribute filters say nothing of traces: those clients get none.
    expect(traceIds(byModel)).toEqual([]);
    expect(traceIds(byProvider)).toEqual([]);
    expect(traceIds(byAttribute)).toEqual([]);
    // The trace's service is its root span's; status=error: a trace with a failed span.
    expect(traceIds(byService).sort()).toEqual([b.traceId, c.traceId].sort());
    expect(traceIds(errors)).toEqual([c.traceId]);
  });

  it('refuses malformed parameters with a 400 that names them', async () => {
    const server = await start();
    for (const [query, named] of [
      ['?events=spans', '"events"'],
      ['?model=gpt-4o&events=trace', '"model"'],
      ['?limit=5', '"limit"'],
      ['?last_event_id=abc', '"last_event_id"'],
      ['?min_cost_usd=-1', '"min_cost_usd"'],
      ['?attr.user.id=bogus:1&events=trace', 'attr.*'],
    ]) {
      const { status, body } = await getJson(server.api, `/api/live${query}`);
      expect(status, query).toBe(400);
      expect(body.error.code).toBe('invalid_argument');
      expect(body.error.message).toContain(named);
    }
  });

  it('replays the events a client missed after Last-Event-ID, and says reset when they are gone', async () => {
    const server = await start({ live: { replayBytes: 16 * 1024 } });
    const first = await live(server, '?model=gpt-4o');
    await send(server, trace([{ model: 'gpt-4o' }]));
    await waitForCount(first, 'call', 1);
    const seen = first.lastId() as string;
    first.close();
    await first.ended;

    // While it is away (within the resume window), two calls it wants and one it does not.
    const missed = trace([{ model: 'gpt-4o' }, { model: 'gpt-4o-mini' }, { model: 'gpt-4o' }]);
    await send(server, missed);
    await sleep(200);

    const header = await live(server, '?model=gpt-4o', { 'Last-Event-ID': seen });
    await waitForCount(header, 'call', 2);
    expect(callsOf(header).map((e) => e.data.span_id)).toEqual([missed.callIds[0], missed.callIds[2]]);
    const param = await live(server, `?model=gpt-4o&last_event_id=${seen}`);
    await waitForCount(param, 'call', 2);
    // The header wins over the parameter, as a browser reconnecting sends both.
    const both = await live(server, `?model=gpt-4o&last_event_id=1`, { 'Last-Event-ID': header.lastId() as string });
    await sleep(200);
    expect(both.events).toEqual([]);

    // Enough calls to push the missed ones out of the 16 KiB kept: resuming is no longer possible.
    for (let i = 0; i < 4; i++) await send(server, trace(Array.from({ length: 10 }, () => ({ model: 'gpt-4o-mini' }))));
    await waitForCount(header, 'call', 2);
    const late = await live(server, '?model=gpt-4o', { 'Last-Event-ID': seen });
    const reset = await late.waitFor((e) => e.event === 'reset');
    expect(reset.data.reason).toBe('expired');
    expect(callsOf(late)).toEqual([]);
    expect(Number(late.lastId())).toBeGreaterThan(Number(seen));

    // An id from before this run of the server (ids start from the clock) is below every one kept.
    const old = await live(server, '', { 'Last-Event-ID': '12' });
    expect((await old.waitFor((e) => e.event === 'reset')).data.reason).toBe('expired');
    for (const id of ['8999999999999999', 'not-an-id']) {
      const unknown = await live(server, '', { 'Last-Event-ID': id });
      expect((await unknown.waitFor((e) => e.event === 'reset')).data.reason).toBe('unknown_id');
    }
  });

  it('turns calls into events only while a client wants them, and resets a client resuming for calls from before', async () => {
    const server = await start();
    const traces = await live(server, '?events=trace');
    const seen = traces.lastId() as string;
    await send(server, trace([{}, {}]));
    await traces.waitFor((e) => e.event === 'trace');

    const calls = await live(server, '?events=call', { 'Last-Event-ID': seen });
    expect((await calls.waitFor((e) => e.event === 'reset')).data.reason).toBe('expired');
    // Trace events were kept all along: a client of traces resumes.
    const again = await live(server, '?events=trace', { 'Last-Event-ID': seen });
    expect((await again.waitFor((e) => e.event === 'trace')).data.llm_call_count).toBe(2);
    const t = trace([{}]);
    await send(server, t);
    expect((await calls.waitFor((e) => e.event === 'call')).data.span_id).toBe(t.callIds[0]);
  });

  it('drops a client that does not read, with a final event, while ingest keeps answering promptly', async () => {
    const server = await start({ live: { clientBufferBytes: 64 * 1024 } });
    const reader = await live(server, '?events=call');
    // A client that sends its request and then reads nothing.
    const socket = connect(Number(new URL(server.api).port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(`GET /api/live?events=call HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await sleep(100);
    socket.pause();

    const timings: number[] = [];
    const sent: string[] = [];
    // ~4,000 calls, ~5 MB of events: more than the socket buffers and 64 KiB take.
    for (let i = 0; i < 40; i++) {
      const t = trace(Array.from({ length: 100 }, () => ({})));
      sent.push(...t.callIds);
      const { status, ms } = await send(server, t);
      expect(status).toBe(200);
      timings.push(ms);
    }
    await waitForCount(reader, 'call', sent.length, 15_000);
    expect(reader.isEnded()).toBe(false);
    timings.sort((x, y) => x - y);
    expect(timings[Math.floor(timings.length / 2)]).toBeLessThan(500);

    // The idle client now reads: some events, then `dropped`, then the end of the answer.
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      text += d;
    });
    socket.resume();
    await new Promise((r) => setTimeout(r, 1000));
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).toMatch(/event: dropped\ndata: \{"reason":"slow_client",[^\n]*\n\n\r\n0\r\n\r\n$/);
    expect(text.split('event: call').length - 1).toBeLessThan(sent.length);
    socket.destroy();
  });

  it('sends heartbeats', async () => {
    const server = await start({ live: { heartbeatMs: 100 } });
    const stream = await live(server);
    await sleep(550);
    expect(stream.pings()).toBeGreaterThanOrEqual(3);
  });

  it('keeps a stream open past the request and idle timeouts', async () => {
    const server = await start({
      connectionLimits: { headersTimeoutMs: 300, requestTimeoutMs: 500, keepAliveTimeoutMs: 200, idleTimeoutMs: 800 },
    });
    const stream = await live(server);
    await sleep(2000);
    expect(stream.isEnded()).toBe(false);
    // Heartbeats came within the idle timeout (it halves the 15 s default).
    expect(stream.pings()).toBeGreaterThanOrEqual(3);
    const t = trace([{}]);
    await send(server, t);
    expect((await stream.waitFor((e) => e.event === 'call')).data.span_id).toBe(t.callIds[0]);
  });

  it('closes promptly with clients connected, reading or not', async () => {
    const server = await start();
    const reading = await Promise.all([live(server), live(server, '?events=trace')]);
    const socket = connect(Number(new URL(server.api).port), '127.0.0.1');
    socket.on('error', () => {});
    await new Promise((r) => socket.once('connect', r));
    socket.write(`GET /api/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await sleep(100);
    socket.pause();
    for (let i = 0; i < 10; i++) await send(server, trace(Array.from({ length: 100 }, () => ({}))));

    const started = Date.now();
    await server.stop();
    sl = null;
    expect(Date.now() - started).toBeLessThan(2000);
    await Promise.all(reading.map((s) => s.ended));
    socket.destroy();
  });
});
