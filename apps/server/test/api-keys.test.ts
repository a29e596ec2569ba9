import { randomBytes } from 'node:crypto';
import { Metadata, status } from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { encodeTracesProto } from '@sightline/core';
import { MemoryStorage } from '@sightline/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { UiSessions } from '../src/auth/ui-sessions.js';
import { TRACE_SERVICE } from '../src/otlp/otlp-grpc.js';
import { runSightline } from './support/child-server.js';
import { postTraces } from './support/fixtures.js';
import { RawGrpcExporter } from './support/fuzz-send.js';
import { emitAgentTrace, sdkProvider } from './support/otel-clients.js';
import { json, makeKey, startTestServer, type TestServer } from './support/test-server.js';

const ADMIN_KEY = 'an-admin-key-of-our-own-choosing';
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function start(options: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const sl = await startTestServer(options);
  servers.push(sl);
  return sl;
}

const get = (sl: TestServer, path: string, headers: Record<string, string> = {}) => fetch(sl.api + path, { headers });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

const createKey = (sl: TestServer, project: string) => makeKey(sl.api, ADMIN_KEY, project);

describe('API keys', () => {
  it('are shown once, stored as a hash, listed by id with when they were made and last used', async () => {
    const sl = await start({ auth: 'on', adminKey: ADMIN_KEY });
    const made = await createKey(sl, 'shop');
    expect(made.key).toMatch(/^sl_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(made.key.startsWith(made.id)).toBe(true);
    const stored = await sl.server.storage.access.findKey(made.id);
    expect(stored?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(made.key.slice(made.id.length + 1));
    expect((await get(sl, '/api/traces', bearer(made.key))).status).toBe(200);
    const list = await json(await get(sl, '/api/keys?project=shop', bearer(ADMIN_KEY)));
    expect(list.data).toEqual([
      expect.objectContaining({ id: made.id, project: 'shop', role: 'project', revoked_at: null, last_used_at: expect.any(String) }),
    ]);
    expect(JSON.stringify(list)).not.toContain(made.key);
  });

  it('slow guessing down: an address whose keys were refused 20 times in a minute may not try the admin key for the rest of it', async () => {
    const sl = await start({ auth: 'on', adminKey: ADMIN_KEY });
    const exporter = await createKey(sl, 'shop');
    const guess = () => `sl_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await get(sl, '/api/traces', bearer(guess()))).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual([429, 429]);
    const blocked = await get(sl, '/api/traces', bearer(ADMIN_KEY));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await get(sl, '/api/traces', bearer('a-guess-at-the-admin-key'))).status).toBe(429);
    // A key of this server (unguessable) still works from that address: an exporter there goes on.
    expect((await get(sl, '/api/traces', bearer(exporter.key))).status).toBe(200);
  });

  it('OTLP/gRPC takes the key from the authorization metadata, and refuses a call without one (UNAUTHENTICATED)', async () => {
    const sl = await start({ auth: 'on', adminKey: ADMIN_KEY });
    const shop = await createKey(sl, 'shop');
    const send = async (metadata: Metadata) => {
      const provider = sdkProvider(new GrpcExporter({ url: `http://${sl.grpc}`, metadata }), 'grpc-client');
      const ids = emitAgentTrace(provider, 'grpc');
      // A refused export is dropped by the exporter (UNAUTHENTICATED is not retried).
      await provider.forceFlush().catch(() => undefined);
      await provider.shutdown();
      return ids;
    };
    const refused = await send(new Metadata());
    const withKey = new Metadata();
    withKey.set('authorization', `Bearer ${shop.key}`);
    const taken = await send(withKey);
    expect((await get(sl, `/api/traces/${taken.traceId}`, bearer(shop.key))).status).toBe(200);
    expect((await get(sl, `/api/traces/${refused.traceId}`, bearer(shop.key))).status).toBe(404);
    expect((await get(sl, `/api/traces/${refused.traceId}`, { ...bearer(ADMIN_KEY), 'x-sightline-project': 'default' })).status).toBe(404);
    // What a client is told, call by call.
    const raw = new RawGrpcExporter(TRACE_SERVICE, sl.grpc, false);
    try {
      const body = encodeTracesProto([]);
      expect(await raw.export(body, 5000)).toMatchObject({
        kind: 'grpc',
        code: status.UNAUTHENTICATED,
        details: expect.stringContaining('an API key is required'),
      });
      const other = new Metadata();
      other.set('authorization', `Bearer ${shop.key}`);
      other.set('x-sightline-project', 'elsewhere');
      expect(await raw.export(body, 5000, other)).toMatchObject({ kind: 'grpc', code: status.PERMISSION_DENIED });
      expect(await raw.export(body, 5000, withKey)).toMatchObject({ kind: 'grpc', code: status.OK });
    } finally {
      raw.close();
    }
  });

  it('on loopback with --auth auto, need no key (the default project), honour one given, refuse a bad Sightline key', async () => {
    const sl = await start({ storage: new MemoryStorage() });
    expect(sl.server.authMode).toBe('optional');
    expect(sl.server.createdAdminKey).toBeNull();
    expect((await get(sl, '/api/traces')).status).toBe(200);
    // Another tool's credentials (a Langfuse SDK's) are not a Sightline key: as if none were sent.
    expect((await get(sl, '/api/traces', { authorization: 'Basic cGstbGYtMTpzay1sZi0y' })).status).toBe(200);
    const bad = `sl_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
    expect((await get(sl, '/api/traces', bearer(bad))).status).toBe(401);
    const made = await json(
      await fetch(`${sl.api}/api/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"project":"shop"}' }),
    );
    const session = await (await get(sl, '/api/session', bearer(made.key))).json();
    expect(session).toEqual({
      auth_required: false,
      authenticated: true,
      role: 'project',
      project: 'shop',
      key_id: made.id,
      // Where OTLP/gRPC is taken: this server's own port, for the UI's setup hints.
      otlp_grpc_port: Number(sl.grpc.split(':')[1]),
    });
  });

  it('log the UI in with a session cookie (HttpOnly, SameSite=Strict), out again, and end it when its key is revoked', async () => {
    const sl = await start({ auth: 'on', adminKey: ADMIN_KEY });
    const shop = await createKey(sl, 'shop');
    const login = await fetch(`${sl.api}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: shop.key }),
    });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get('set-cookie') as string;
    expect(setCookie).toMatch(/^sightline_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=604800$/);
    const cookie = { cookie: setCookie.split(';')[0] as string };
    expect((await get(sl, '/api/traces', cookie)).status).toBe(200);
    expect(await (await get(sl, '/api/session', cookie)).json()).toMatchObject({ authenticated: true, project: 'shop' });

    const logout = await fetch(`${sl.api}/api/session`, { method: 'DELETE', headers: cookie });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await get(sl, '/api/traces', cookie)).status).toBe(401);

    const again = await fetch(`${sl.api}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: shop.key }),
    });
    const cookie2 = { cookie: (again.headers.get('set-cookie') as string).split(';')[0] as string };
    await fetch(`${sl.api}/api/keys/${shop.id}`, { method: 'DELETE', headers: bearer(ADMIN_KEY) });
    expect((await get(sl, '/api/traces', cookie2)).status).toBe(401);
    const wrong = await fetch(`${sl.api}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: 'nope' }),
    });
    expect(wrong.status).toBe(401);
  });

  it('keeps at most 100 UI sessions per key, so one key cannot log everyone else out', () => {
    const sessions = new UiSessions(150);
    const other = sessions.open({ role: 'project', project: 'b', keyId: 'sl_bbbbbbbbbbbb' });
    const first = sessions.open({ role: 'project', project: 'a', keyId: 'sl_aaaaaaaaaaaa' });
    for (let i = 0; i < 200; i++) sessions.open({ role: 'project', project: 'a', keyId: 'sl_aaaaaaaaaaaa' });
    expect(sessions.principalOf(first)).toBeNull();
    expect(sessions.principalOf(other)).toMatchObject({ project: 'b' });
  });

  it('marks the session cookie Secure behind an https --public-url', async () => {
    const sl = await start({ auth: 'on', adminKey: ADMIN_KEY, publicUrl: 'https://sightline.example.com' });
    const login = await fetch(`${sl.api}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: ADMIN_KEY }),
    });
    expect(login.headers.get('set-cookie')).toMatch(/; Secure$/);
  });

  it('keys made with "keys create --db" beside the running server work at once; "keys revoke --db" ends them', async () => {
    const sl = await start({ auth: 'on', adminKey: ADMIN_KEY });
    const made = runSightline(['keys', 'create', '--project', 'cli-made', '--json', '--db', sl.dbPath]);
    expect((await made.exited).code).toBe(0);
    const { project, key } = JSON.parse(made.stdout());
    expect(project).toBe('cli-made');
    expect((await get(sl, '/api/session', bearer(key))).status).toBe(200);
    expect(await (await get(sl, '/api/session', bearer(key))).json()).toMatchObject({ project: 'cli-made', role: 'project' });
    const listed = runSightline(['keys', 'list', '--url', sl.api, '--json'], { SIGHTLINE_API_KEY: ADMIN_KEY });
    expect((await listed.exited).code).toBe(0);
    const id = JSON.parse(listed.stdout()).find((k: { project: string }) => k.project === 'cli-made').id;
    const revoked = runSightline(['keys', 'revoke', id, '--db', sl.dbPath]);
    expect((await revoked.exited).code).toBe(0);
    expect(revoked.stdout()).toContain(`Revoked ${id} (project cli-made)`);
    expect((await get(sl, '/api/traces', bearer(key))).status).toBe(401);
    const audit = await json(await get(sl, '/api/audit', bearer(ADMIN_KEY)));
    expect(audit.data.slice(0, 3).map((e: { action: string; actor: string }) => `${e.actor} ${e.action}`)).toEqual([
      'cli --db key.revoke',
      'cli --db key.create',
      'cli --db project.create',
    ]);
  });

  it('writes admin acts in the audit log: who, what, where, when', async () => {
    const sl = await start({ auth: 'on', adminKey: ADMIN_KEY });
    const made = await createKey(sl, 'shop');
    const recompute = await fetch(`${sl.api}/api/admin/recompute-costs`, { method: 'POST', headers: bearer(ADMIN_KEY) });
    expect(recompute.status).toBe(200);
    const audit = await json(await get(sl, '/api/audit?limit=3', bearer(ADMIN_KEY)));
    expect(audit.data.map((e: { actor: string; action: string; target: string | null }) => [e.actor, e.action, e.target])).toEqual([
      ['SIGHTLINE_ADMIN_KEY', 'costs.recompute', null],
      ['SIGHTLINE_ADMIN_KEY', 'key.create', made.id],
      ['SIGHTLINE_ADMIN_KEY', 'project.create', 'shop'],
    ]);
    expect(Date.parse(audit.data[0].at)).toBeGreaterThan(Date.now() - 60_000);
    expect((await get(sl, '/api/audit', bearer(made.key))).status).toBe(403);
  });

  it('the CLI reads with --api-key, and an admin key picks the project with --project', async () => {
    const sl = await start({ auth: 'on', adminKey: ADMIN_KEY });
    const shop = await createKey(sl, 'shop');
    const traceId = 'ab'.repeat(16);
    const now = String(BigInt(Date.now()) * 1_000_000n);
    const body = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            { spans: [{ traceId, spanId: 'cd'.repeat(8), name: 'only in shop', startTimeUnixNano: now, endTimeUnixNano: now }] },
          ],
        },
      ],
    });
    await postTraces(sl.otlpHttp, body, bearer(shop.key));
    const asShop = runSightline(['traces', '--url', sl.api, '--api-key', shop.key, '--json']);
    expect((await asShop.exited).code).toBe(0);
    expect(asShop.stdout()).toContain(traceId);
    const adminDefault = runSightline(['traces', '--url', sl.api, '--json'], { SIGHTLINE_API_KEY: ADMIN_KEY });
    expect((await adminDefault.exited).code).toBe(0);
    expect(adminDefault.stdout()).not.toContain(traceId);
    const adminShop = runSightline(['traces', '--url', sl.api, '--project', 'shop', '--json'], { SIGHTLINE_API_KEY: ADMIN_KEY });
    expect((await adminShop.exited).code).toBe(0);
    expect(adminShop.stdout()).toContain(traceId);
    const none = runSightline(['traces', '--url', sl.api]);
    expect((await none.exited).code).toBe(1);
    expect(none.stderr()).toContain('give a key with --api-key or SIGHTLINE_API_KEY');
  });

  it('keys create against a server without an admin key says what to do', async () => {
    const sl = await start({ auth: 'on', adminKey: ADMIN_KEY });
    const run = runSightline(['keys', 'create', '--project', 'x', '--url', sl.api]);
    expect((await run.exited).code).toBe(1);
    expect(run.stderr()).toContain('an API key is required');
    expect(run.stderr()).toContain('--api-key or SIGHTLINE_API_KEY');
  });
});
