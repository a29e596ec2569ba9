import { type Attributes, SpanKind } from '@opentelemetry/api';
import { MemoryStorage } from '@sightline/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { exporterFor, sdkProvider } from './support/otel-clients.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer | null = null;
afterEach(async () => {
  await sl?.stop();
  sl = null;
});

const chat = (model: string, input: number, extra: Attributes = {}): Attributes => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': model.startsWith('claude') ? 'anthropic' : 'openai',
  'gen_ai.request.model': model,
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': 1,
  ...extra,
});

/**
 * A server holding five calls of session "s-1" (one trace each, a second apart, ending a
 * minute ago) and one other call, sent with the official SDK. Returns the session's span ids in
 * time order.
 */
async function serverWithSession(): Promise<{ server: TestServer; ids: string[] }> {
  const server = await startTestServer();
  sl = server;
  const provider = sdkProvider(exporterFor('proto', server), 'chat-app');
  const tracer = provider.getTracer('test-app');
  const base = Date.now() - 60_000;
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const attributes = chat(i % 2 ? 'claude-sonnet-4-5' : 'gpt-4o-mini', 10 * (i + 1), {
      'gen_ai.conversation.id': 's-1',
      'user.id': 'ann',
    });
    const span = tracer.startSpan('chat', { kind: SpanKind.CLIENT, attributes, startTime: base - 5000 + i * 1000 });
    span.end(base - 5000 + i * 1000 + 200);
    ids.push(span.spanContext().spanId);
  }
  tracer.startSpan('chat', { kind: SpanKind.CLIENT, attributes: chat('gpt-4o', 5, { 'user.id': 'bob' }), startTime: base }).end(base + 100);
  await provider.forceFlush();
  await provider.shutdown();
  return { server, ids };
}

const spanIds = (body: { calls: { span_id: string }[] }) => body.calls.map((c) => c.span_id);

describe('the Sessions and Dashboard pages’ API', () => {
  it('pages a session’s calls in time order, either way, with their traces', async () => {
    const { server, ids } = await serverWithSession();
    const whole = await getJson(server.api, '/api/sessions/s-1');
    expect(whole.status).toBe(200);
    expect(spanIds(whole.body)).toEqual(ids);
    expect(whole.body.traces).toHaveLength(5);
    expect(whole.body.next_cursor).toBeNull();
    expect(whole.body.session).toMatchObject({ session_id: 's-1', call_count: 5, users: ['ann'] });

    const walk = async (order: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const path: string = `/api/sessions/s-1?limit=2&order=${order}${cursor ? `&cursor=${cursor}` : ''}`;
        const { status, body } = await getJson(server.api, path);
        expect(status).toBe(200);
        expect(body.calls.length).toBeLessThanOrEqual(2);
        expect(body.traces.map((t: { trace_id: string }) => t.trace_id)).toEqual(body.calls.map((c: { trace_id: string }) => c.trace_id));
        seen.push(...spanIds(body));
        cursor = body.next_cursor;
      } while (cursor);
      return seen;
    };
    expect(await walk('asc')).toEqual(ids);
    expect(await walk('desc')).toEqual([...ids].reverse());
    const bogus = await getJson(server.api, '/api/sessions/s-1?cursor=bogus');
    expect([bogus.status, bogus.body.error.message]).toEqual([400, expect.stringContaining('"cursor"')]);
    const first = await getJson(server.api, '/api/sessions/s-1?limit=1');
    expect((await getJson(server.api, `/api/sessions/s-1?order=desc&cursor=${first.body.next_cursor}`)).status).toBe(400);
    expect((await getJson(server.api, '/api/sessions/nope?limit=1')).status).toBe(404);
  });

  it('draws calls, errors, tokens, cost and percentiles over time, split by model', async () => {
    const { server } = await serverWithSession();
    const { status, body } = await getJson(server.api, '/api/metrics/series?split_by=model&start=3h&limit=1');
    expect(status).toBe(200);
    expect(body).toMatchObject({ bucket: 'hour', split_by: 'model', rank_by: 'calls' });
    expect(body.buckets.length).toBeGreaterThanOrEqual(3);
    for (const b of body.buckets) expect(b).toMatch(/T\d{2}:00:00(\.0+)?Z$/);
    expect(body.series.map((s: { key: string; other: boolean }) => [s.key, s.other])).toEqual([
      ['gpt-4o-mini', false],
      [null, true],
    ]);
    const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);
    expect(sum(body.series[0].calls)).toBe(3);
    expect(sum(body.series[1].calls)).toBe(3);
    expect(sum(body.total.calls)).toBe(6);
    expect(body.total).not.toHaveProperty('key');
    for (const figure of ['calls', 'errors', 'input_tokens', 'output_tokens', 'cost_usd'])
      expect(body.total[figure]).toHaveLength(body.buckets.length);
    expect(body.total.latency_ms.p95.filter((v: number | null) => v !== null).every((v: number) => v > 90 && v < 210)).toBe(true);
    // Where the money goes: Claude's two calls cost more than gpt-4o-mini's three.
    const byCost = await getJson(server.api, '/api/metrics/series?split_by=model&start=3h&limit=1&rank_by=cost');
    expect(byCost.body.rank_by).toBe('cost');
    expect(byCost.body.series.map((s: { key: string | null }) => s.key)).toEqual(['claude-sonnet-4-5', null]);
    const groups = async (rank: string) =>
      (await getJson(server.api, `/api/metrics?group_by=model&limit=1&rank_by=${rank}`)).body.data.map((g: { key: string }) => g.key);
    expect([await groups('calls'), await groups('cost')]).toEqual([['gpt-4o-mini'], ['claude-sonnet-4-5']]);
    const days = await getJson(server.api, '/api/metrics/series?bucket=day&split_by=provider');
    expect(days.body.buckets).toHaveLength(31);
    // By minute over the last hour (the default range for minutes), summing to what the metrics of that hour say.
    const minutes = await getJson(server.api, '/api/metrics/series?bucket=minute');
    expect(minutes.body.bucket).toBe('minute');
    expect(minutes.body.buckets.length).toBeGreaterThanOrEqual(60);
    expect(minutes.body.buckets.length).toBeLessThanOrEqual(61);
    for (const b of minutes.body.buckets) expect(b).toMatch(/:00(\.0+)?Z$/);
    const hour = await getJson(server.api, '/api/metrics?start=1h');
    expect(sum(minutes.body.total.calls)).toBe(hour.body.total.calls);
  });

  it('lists what a range holds for the filter pickers', async () => {
    const { server } = await serverWithSession();
    const { status, body } = await getJson(server.api, '/api/facets?start=2h');
    expect(status).toBe(200);
    expect(body.start).toMatch(/T\d{2}:00:00(\.0+)?Z$/);
    expect(body.end).toBeNull();
    expect(body.services).toEqual([{ value: 'chat-app', count: 6 }]);
    expect(body.span_names).toEqual([{ value: 'chat', count: 6 }]);
    expect(body.models.map((m: { value: string }) => m.value)).toEqual(['gpt-4o-mini', 'claude-sonnet-4-5', 'gpt-4o']);
    expect(body.providers).toEqual([
      { value: 'openai', count: 4 },
      { value: 'anthropic', count: 2 },
    ]);
    expect([body.users, body.sessions]).toEqual([2, 1]);
    const { body: metrics } = await getJson(server.api, '/api/metrics?group_by=user');
    expect(metrics.data.map((r: { key: string; calls: number }) => [r.key, r.calls])).toEqual([
      ['ann', 5],
      ['bob', 1],
    ]);
  });

  it.each([
    ['/api/sessions/s-1?order=sideways', 'order'],
    ['/api/sessions/s-1?limit=0', 'limit'],
    ['/api/sessions/s-1?colour=red', 'colour'],
    ['/api/metrics/series?bucket=week', 'bucket'],
    ['/api/metrics/series?split_by=user', 'split_by'],
    ['/api/metrics/series?limit=51', 'limit'],
    ['/api/metrics/series?rank_by=tokens', 'rank_by'],
    ['/api/metrics?group_by=user&rank_by=errors', 'rank_by'],
    ['/api/metrics/series?start=100d', 'start'],
    ['/api/metrics/series?start=1h&end=2h', 'start'],
    ['/api/metrics/series?bucket=minute&start=24h', 'start'],
    ['/api/facets?start=yesterday', 'start'],
    ['/api/facets?model=gpt-4o', 'model'],
  ])('answers %s with 400 naming "%s"', async (path, name) => {
    const server = await startTestServer({ storage: new MemoryStorage() });
    sl = server;
    const { status, body } = await getJson(server.api, path);
    expect(status).toBe(400);
    expect(body.error.message).toContain(`"${name}"`);
  });
});
