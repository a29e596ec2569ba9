import { randomBytes } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../src/api/openapi.js';
import { emitAgentTrace, sdkProvider } from './support/otel-clients.js';
import { openSse } from './support/sse-client.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/**
 * Two projects on one server with keys required: every route, tried with the other project's
 * key and ids, must answer as if the data did not exist (404, or lists without it), and
 * without a key, 401. The route list comes from the OpenAPI document, which a test elsewhere
 * holds equal to the routes served: a new route fails here until it is placed in a group.
 */
const ADMIN_KEY = 'admin-key-for-the-isolation-suite';

let sl: TestServer;
const keys: Record<'alpha' | 'beta', string> = { alpha: '', beta: '' };
interface Seeded {
  traceId: string;
  rootSpanId: string;
  chatSpanId: string;
  session: string;
}
const seeded: Partial<Record<'alpha' | 'beta', Seeded>> = {};

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function call(method: string, path: string, key: string | null, body?: unknown, extra: Record<string, string> = {}) {
  const res = await fetch(sl.api + path, {
    method,
    headers: { ...(key === null ? {} : bearer(key)), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...extra },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

/** Sends one agent trace of `label` through an official exporter with that project's key. */
async function seed(project: 'alpha' | 'beta', via: 'proto' | 'grpc'): Promise<Seeded> {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${keys[project]}`);
  const exporter =
    via === 'proto'
      ? new ProtoExporter({ url: `${sl.otlpHttp}/v1/traces`, headers: bearer(keys[project]) })
      : new GrpcExporter({ url: `http://${sl.grpc}`, metadata });
  const provider = sdkProvider(exporter, `${project}-service`);
  const ids = emitAgentTrace(provider, project);
  // A call with a session of its own, so that the project has a session to list.
  provider
    .getTracer('isolation')
    .startSpan('chat gpt-4o-mini', {
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'session.id': `sess-${project}` },
    })
    .end();
  await provider.forceFlush();
  await provider.shutdown();
  return { ...ids, session: `sess-${project}` };
}

beforeAll(async () => {
  sl = await startTestServer({ auth: 'on', adminKey: ADMIN_KEY });
  for (const project of ['alpha', 'beta'] as const) {
    const made = await call('POST', '/api/keys', ADMIN_KEY, { project, name: `${project} service` });
    expect(made.status).toBe(201);
    keys[project] = JSON.parse(made.text).key;
  }
  seeded.alpha = await seed('alpha', 'proto');
  seeded.beta = await seed('beta', 'grpc');
  // A dataset of each project, saved the way the llama-stack-client saves spans.
  for (const project of ['alpha', 'beta'] as const) {
    const saved = await call('POST', '/v1/telemetry/spans/export', keys[project], {
      attribute_filters: [],
      attributes_to_save: ['session.id'],
      dataset_id: `${project}-rows`,
    });
    expect(saved.status).toBe(200);
  }
}, 60_000);
afterAll(() => sl?.stop());

const a = () => seeded.alpha as Seeded;

/** Routes anyone may call. */
const PUBLIC = ['GET /healthz', 'GET /api/openapi.json', 'GET /api/session', 'POST /api/session', 'DELETE /api/session'];

/** Routes for admins only. */
const ADMIN = [
  'POST /api/admin/recompute-costs',
  'GET /api/projects',
  'POST /api/projects',
  'GET /api/projects/{name}',
  'PATCH /api/projects/{name}',
  'GET /api/keys',
  'POST /api/keys',
  'DELETE /api/keys/{id}',
  'GET /api/audit',
  'DELETE /api/traces/{trace_id}',
  'DELETE /api/sessions/{session_id}',
  'DELETE /api/users/{user_id}',
];

/** Routes that write: a project's key writes into its own project (checked by the reads below). */
const WRITES = [
  'POST /v1/traces',
  'POST /api/public/otel/v1/traces',
  'POST /v1/logs',
  'POST /v1/metrics',
  'POST /api/import',
  'POST /alpha/telemetry/log-event',
  'POST /v1/telemetry/log-event',
  'POST /v1/telemetry/events',
  'POST /v1/telemetry/spans/export',
];

/** Routes that read one thing by id: alpha's id through beta's key must be 404. */
const BY_ID: Record<string, () => { path: string; body?: unknown }> = {
  'GET /api/traces/{trace_id}': () => ({ path: `/api/traces/${a().traceId}` }),
  'GET /api/traces/{trace_id}/outline': () => ({ path: `/api/traces/${a().traceId}/outline` }),
  'GET /api/traces/{trace_id}/search': () => ({ path: `/api/traces/${a().traceId}/search?q=chat` }),
  'GET /api/traces/{trace_id}/spans/{span_id}': () => ({ path: `/api/traces/${a().traceId}/spans/${a().chatSpanId}` }),
  'GET /api/spans/{span_id}/tree': () => ({ path: `/api/spans/${a().rootSpanId}/tree` }),
  'GET /api/llm-calls/{span_id}': () => ({ path: `/api/llm-calls/${a().chatSpanId}` }),
  'GET /api/sessions/{session_id}': () => ({ path: `/api/sessions/${a().session}` }),
  'GET /api/datasets/{name}': () => ({ path: '/api/datasets/alpha-rows' }),
  'GET /v1/telemetry/traces/{trace_id}': () => ({ path: `/v1/telemetry/traces/${a().traceId}` }),
  'GET /v1/telemetry/traces/{trace_id}/spans/{span_id}': () => ({ path: `/v1/telemetry/traces/${a().traceId}/spans/${a().chatSpanId}` }),
  'POST /v1/telemetry/spans/{span_id}/tree': () => ({ path: `/v1/telemetry/spans/${a().rootSpanId}/tree`, body: {} }),
  'POST /alpha/telemetry/get-span-tree': () => ({ path: '/alpha/telemetry/get-span-tree', body: { span_id: a().rootSpanId } }),
  'POST /v1/telemetry/get-span-tree': () => ({ path: '/v1/telemetry/get-span-tree', body: { span_id: a().rootSpanId } }),
};

/** Routes that list or sum: through beta's key, nothing of alpha's (its trace, session or service) may show. */
const LISTS: Record<string, () => { path: string; body?: unknown }> = {
  'GET /api/traces': () => ({ path: '/api/traces?start=1h' }),
  'GET /api/llm-calls': () => ({ path: '/api/llm-calls?start=1h' }),
  'GET /api/sessions': () => ({ path: '/api/sessions?start=1h' }),
  'GET /api/metrics': () => ({ path: '/api/metrics?start=1h&group_by=service' }),
  'GET /api/metrics/series': () => ({ path: '/api/metrics/series?start=1h&split_by=service' }),
  'GET /api/facets': () => ({ path: '/api/facets?start=1h' }),
  'GET /api/logs': () => ({ path: `/api/logs?trace_id=${a().traceId}` }),
  'GET /api/otel-metrics': () => ({ path: '/api/otel-metrics?start=1h' }),
  'GET /api/datasets': () => ({ path: '/api/datasets' }),
  'GET /api/usage': () => ({ path: '/api/usage' }),
  'POST /alpha/telemetry/query-traces': () => ({ path: '/alpha/telemetry/query-traces', body: {} }),
  'POST /v1/telemetry/query-traces': () => ({ path: '/v1/telemetry/query-traces', body: {} }),
  'POST /v1/telemetry/traces': () => ({ path: '/v1/telemetry/traces', body: {} }),
  'POST /v1/telemetry/spans': () => ({
    path: '/v1/telemetry/spans',
    body: { attribute_filters: [], attributes_to_return: ['session.id'] },
  }),
};

/** The live stream is checked on its own below. */
const STREAMS = ['GET /api/live'];

const served = Object.entries(openApiDocument.paths).flatMap(([path, ops]) =>
  Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
);

/** What alpha's data looks like in any answer. */
const alphaMarks = () => [a().traceId, a().chatSpanId, a().session, 'alpha-service', 'alpha-rows', '"project":"alpha"'];

describe('projects keep each other’s data out of sight', () => {
  it('places every route the server has in a group this suite checks', () => {
    const placed = new Set([...PUBLIC, ...ADMIN, ...WRITES, ...Object.keys(BY_ID), ...Object.keys(LISTS), ...STREAMS]);
    expect(served.filter((r) => !placed.has(r))).toEqual([]);
    expect([...placed].filter((r) => !served.includes(r))).toEqual([]);
  });

  it('refuses every route but the public ones without a key (401)', async () => {
    for (const route of served) {
      if (PUBLIC.includes(route)) continue;
      const [method, pattern] = route.split(' ') as [string, string];
      const path = pattern.replace(/\{(\w+)\}/g, 'x');
      const none = await call(method, path, null, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect(none.status, `${route} without a key`).toBe(401);
      expect(JSON.parse(none.text).error.code).toBe('unauthenticated');
    }
  });

  it('refuses a key this server never made, a revoked key, and a known id with the wrong secret alike', async () => {
    const made = JSON.parse((await call('POST', '/api/keys', ADMIN_KEY, { project: 'beta', name: 'to revoke' })).text);
    expect((await call('GET', '/api/traces', made.key)).status).toBe(200);
    expect((await call('DELETE', `/api/keys/${made.id}`, ADMIN_KEY)).status).toBe(200);
    const wrongSecret = `${made.id}_${randomBytes(32).toString('base64url')}`;
    const never = `sl_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
    const answers = await Promise.all([made.key, wrongSecret, never, 'not even a key'].map((k) => call('GET', '/api/traces', k)));
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      // One message for every way of being wrong: nothing says which part was right.
      expect(JSON.parse(answer.text).error.message).toBe(JSON.parse(answers[0]?.text as string).error.message);
    }
  });

  it('refuses admin routes to a project’s key (403), and serves them to the admin key', async () => {
    for (const route of ADMIN) {
      const [method, pattern] = route.split(' ') as [string, string];
      const path = pattern
        .replace('{name}', 'alpha')
        .replace('{id}', 'sl_000000000000')
        .replace('{trace_id}', a().traceId)
        .replace('{session_id}', a().session)
        .replace('{user_id}', 'u');
      const res = await call(method, path, keys.beta, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect(res.status, route).toBe(403);
    }
    expect((await call('GET', '/api/projects', ADMIN_KEY)).status).toBe(200);
    // An admin deleting in one project does not reach another's trace of the same id.
    expect((await call('DELETE', `/api/traces/${a().traceId}?project=beta`, ADMIN_KEY)).status).toBe(404);
    expect((await call('GET', `/api/traces/${a().traceId}`, keys.alpha)).status).toBe(200);
  });

  it.each(Object.keys(BY_ID))('%s: another project’s id is 404, as an id that does not exist', async (route) => {
    const [method] = route.split(' ') as [string];
    const { path, body } = (BY_ID[route] as () => { path: string; body?: unknown })();
    const own = await call(method, path, keys.alpha, body);
    expect(own.status, 'alpha reads its own').toBe(200);
    const other = await call(method, path, keys.beta, body);
    expect(other.status, 'beta reads alpha’s').toBe(404);
    expect(JSON.parse(other.text).error.code).toBe('not_found');
  });

  it.each(Object.keys(LISTS))('%s: lists and sums only the key’s project', async (route) => {
    const [method] = route.split(' ') as [string];
    const { path, body } = (LISTS[route] as () => { path: string; body?: unknown })();
    const own = await call(method, path, keys.alpha, body);
    expect(own.status).toBe(200);
    const other = await call(method, path, keys.beta, body);
    expect(other.status).toBe(200);
    for (const mark of alphaMarks()) expect(other.text, `beta sees ${mark}`).not.toContain(mark);
    // The check can fail: alpha's own answer shows its data where there is any to show.
    if (!['GET /api/otel-metrics', 'GET /api/logs', 'GET /api/usage'].includes(route))
      expect(
        alphaMarks().some((m) => own.text.includes(m)),
        'alpha sees its own',
      ).toBe(true);
  });

  it('GET /api/live: a project’s stream carries none of another project’s calls or traces', async () => {
    const beta = await openSse(`${sl.api}/api/live`, bearer(keys.beta));
    expect(beta.status).toBe(200);
    try {
      const alphaAgain = await seed('alpha', 'grpc');
      const betaAgain = await seed('beta', 'proto');
      await beta.waitFor((e) => JSON.stringify(e.data).includes(betaAgain.traceId), 10_000);
      expect(JSON.stringify(beta.events)).not.toContain(alphaAgain.traceId);
      expect(JSON.stringify(beta.events)).not.toContain('alpha-service');
    } finally {
      beta.close();
    }
  });

  it('a project’s key may not name another project; an admin key chooses any', async () => {
    const named = await call('GET', '/api/traces?start=1h', keys.beta, undefined, { 'x-sightline-project': 'alpha' });
    expect(named.status).toBe(403);
    expect((await call('GET', '/api/traces?start=1h&project=alpha', keys.beta)).status).toBe(403);
    const admin = await call('GET', '/api/traces?start=1h', ADMIN_KEY, undefined, { 'x-sightline-project': 'alpha' });
    expect(admin.status).toBe(200);
    expect(admin.text).toContain(a().traceId);
    expect((await call('GET', '/api/traces?start=1h&project=beta', ADMIN_KEY)).text).not.toContain(a().traceId);
  });

  it('the Langfuse path takes Basic credentials whose secret is the key, into the key’s project', async () => {
    const traceId = randomBytes(16).toString('hex');
    const now = String(BigInt(Date.now()) * 1_000_000n);
    const body = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            { spans: [{ traceId, spanId: randomBytes(8).toString('hex'), name: 'lf', startTimeUnixNano: now, endTimeUnixNano: now }] },
          ],
        },
      ],
    });
    const basic = (secret: string) => `Basic ${Buffer.from(`pk-lf-anything:${secret}`).toString('base64')}`;
    const refused = await fetch(`${sl.api}/api/public/otel/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic('sk-lf-not-a-sightline-key') },
      body,
    });
    expect(refused.status).toBe(401);
    const taken = await fetch(`${sl.api}/api/public/otel/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(keys.beta) },
      body,
    });
    expect(taken.status).toBe(200);
    expect((await call('GET', `/api/traces/${traceId}`, keys.beta)).status).toBe(200);
    expect((await call('GET', `/api/traces/${traceId}`, keys.alpha)).status).toBe(404);
  });
});
