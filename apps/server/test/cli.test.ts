import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANY_FREE_PORTS, runSightline, startChildServer } from './support/child-server.js';
import { postTraces } from './support/fixtures.js';
import { json, postJson } from './support/test-server.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function occupy(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describe('sightline', () => {
  it('explains itself with --help', async () => {
    const run = runSightline(['serve', '--help']);
    expect((await run.exited).code).toBe(0);
    for (const flag of [
      '--port',
      '--grpc-port',
      '--otlp-http-port',
      '--host',
      '--db',
      '--storage',
      '--memory-capacity',
      '--prices',
      '--no-llm-calls',
    ])
      expect(run.stdout()).toContain(flag);
    expect(run.stdout()).toContain('SIGHTLINE_PORT');
    const top = runSightline(['--help']);
    expect((await top.exited).code).toBe(0);
    expect(top.stdout()).toContain('serve');
    expect(top.stdout()).toContain('recompute-costs');
    expect(top.stdout()).toContain('import');
  });

  it('prints its help to standard output when run alone, and exits 2 with where to look for a wrong command line', async () => {
    const alone = runSightline([]);
    expect((await alone.exited).code).toBe(0);
    expect(alone.stdout()).toMatch(/^Usage: sightline \[options\] \[command\]/);
    for (const command of ['serve', 'tail', 'demo', 'import']) expect(alone.stdout()).toContain(command);
    expect(alone.stdout()).toContain('Exit codes: 0 done, 1 failed, 2 wrong usage.');
    expect(alone.stderr()).toBe('');
    for (const [args, message, hint] of [
      [['nosuch'], "unknown command 'nosuch'", '(run with --help for usage)'],
      [['tail', '--bogus'], "unknown option '--bogus'", '(run "sightline tail --help" for usage)'],
      [['datasets', 'export'], "missing required argument 'name'", '(run "sightline datasets export --help" for usage)'],
    ] as const) {
      const run = runSightline([...args]);
      expect((await run.exited).code, args.join(' ')).toBe(2);
      expect(run.stderr()).toContain(message);
      expect(run.stderr()).toContain(hint);
      expect(run.stdout()).toBe('');
    }
  });

  it('requires keys beyond loopback: prints an admin key made at first start, refuses requests without a key', async () => {
    const sl = await startChildServer(['--storage', 'memory', '--host', '0.0.0.0']);
    try {
      expect(sl.stderr()).toMatch(/API keys\s+required \(--auth auto\)/);
      const adminKey = /An admin key was made.*\n\n\s+(sl_\S+)\n/s.exec(sl.stderr())?.[1] as string;
      expect(adminKey).toMatch(/^sl_[0-9a-f]{12}_/);
      const api = sl.api.replace('0.0.0.0', '127.0.0.1');
      const anonymous = await fetch(`${api}/api/traces`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="sightline"');
      expect((await json(anonymous)).error.message).toContain('an API key is required');
      const admin = await fetch(`${api}/api/traces`, { headers: { authorization: `Bearer ${adminKey}` } });
      expect(admin.status).toBe(200);
    } finally {
      sl.proc.kill('SIGTERM');
      await sl.exited;
    }
  });

  it('will not listen beyond loopback with --auth off unless --insecure, and warns when it does', async () => {
    const refused = runSightline(['serve', '--storage', 'memory', ...ANY_FREE_PORTS, '--host', '0.0.0.0', '--auth', 'off']);
    expect((await refused.exited).code).toBe(2);
    expect(refused.stderr()).toMatch(/^error: --host 0\.0\.0\.0 listens beyond this machine with --auth off/);
    const open = await startChildServer(['--storage', 'memory', '--host', '0.0.0.0', '--auth', 'off', '--insecure']);
    try {
      expect(open.stderr()).toContain(
        'listening on 0.0.0.0 with no keys (--auth off --insecure): anyone who reaches these ports reads every prompt and answer',
      );
      expect(open.stderr()).not.toContain('An admin key was made');
    } finally {
      open.proc.kill('SIGTERM');
      await open.exited;
    }
  });

  it('runs as its #! line says: a small young generation, four malloc arenas, big buffers mapped', async () => {
    // Run as a user runs it (`npx sightline`, `npm start`): the file itself, not `node file`.
    // Whatever the environment says: the launcher's own setting wins.
    const child = await startChildServer(
      ['--db', join(dir, 'launcher.db')],
      { MALLOC_ARENA_MAX: '8', GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536' },
      [],
      'file',
    );
    try {
      const environ = readFileSync(`/proc/${child.proc.pid}/environ`, 'utf8').split('\0');
      const argv = readFileSync(`/proc/${child.proc.pid}/cmdline`, 'utf8').split('\0');
      expect(environ).toContain('MALLOC_ARENA_MAX=4');
      expect(environ).toContain('GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1048576');
      expect(argv).toContain('--max-semi-space-size=4');
    } finally {
      child.proc.kill('SIGTERM');
      await child.exited;
    }
  });

  it('prints its version', async () => {
    const run = runSightline(['--version']);
    expect((await run.exited).code).toBe(0);
    expect(run.stdout().trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([
    ['--port', 'api'],
    ['--grpc-port', 'grpc'],
    ['--otlp-http-port', 'otlp-http'],
  ])('says in one line which port is taken and which flag changes it (%s)', async (flag) => {
    const { server, port } = await occupy();
    const ports = { '--port': '0', '--grpc-port': '0', '--otlp-http-port': '0', [flag]: String(port) };
    const run = runSightline(['serve', '--storage', 'memory', ...Object.entries(ports).flat()]);
    const { code } = await run.exited;
    server.close();
    expect(code).toBe(1);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`port ${port}`);
    expect(lines[0]).toContain(flag);
    expect(run.stderr()).not.toMatch(/\n\s+at /);
  });

  it('refuses a bad flag value with a clear message', async () => {
    const run = runSightline(['serve', '--port', 'eighty']);
    expect((await run.exited).code).toBe(2);
    expect(run.stderr()).toMatch(/--port.*eighty.*port number/s);
    const storage = runSightline(['serve', '--storage', 'postgres']);
    expect((await storage.exited).code).toBe(2);
    expect(storage.stderr()).toMatch(/sqlite, memory|"sqlite", "memory"/);
  });

  it('takes settings from SIGHTLINE_* variables, and flags win over them', async () => {
    const db = join(dir, 'env', 'from-env.db');
    const child = await startChildServer(['--storage', 'sqlite'], { SIGHTLINE_DB: db, SIGHTLINE_STORAGE: 'memory' });
    expect(child.stderr()).toContain(`SQLite ${db}`);
    expect(existsSync(db)).toBe(true);
    child.proc.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);

    const memory = await startChildServer([], { SIGHTLINE_STORAGE: 'memory', SIGHTLINE_MEMORY_CAPACITY: '1234' });
    expect(memory.stderr()).toContain('memory (last 1234 spans)');
    const health = await json(await fetch(`${memory.api}/healthz`));
    expect(health.storage).toBe('memory');
    memory.proc.kill('SIGINT');
    expect((await memory.exited).code).toBe(0);
  });

  it('keeps data in ~/.sightline/sightline.db by default', async () => {
    const home = join(dir, 'home');
    const child = await startChildServer([], { HOME: home });
    expect(existsSync(join(home, '.sightline', 'sightline.db'))).toBe(true);
    child.proc.kill('SIGTERM');
    await child.exited;
  });

  it('serves the API on the main port', async () => {
    const child = await startChildServer(['--storage', 'memory']);
    const res = await fetch(`${child.api}/api/traces`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: [], next_cursor: null });
    expect((await fetch(`${child.api}/`)).status).toBe(200);
    child.proc.kill('SIGTERM');
    await child.exited;
  });

  it.each([
    ['keys optional on loopback', [], 'optional on loopback (--auth auto)', 'a request without a key acts in the default project'],
    ['keys required', ['--auth', 'on'], 'required (--auth on)', 'every request presents a key'],
  ])('starts with a banner that fits an 80-column terminal (%s)', async (_, args, auth, meaning) => {
    const child = await startChildServer(['--storage', 'memory', ...args]);
    try {
      const banner = (child.stderr().split('\n\n')[0] as string).split('\n');
      expect(banner.filter((line) => line.length > 80)).toEqual([]);
      expect(banner).toContain(`  Web UI           ${child.api}/`);
      expect(banner).toContain(`  API + OTLP/HTTP  ${child.api}   (OpenAPI: /api/openapi.json)`);
      expect(banner).toContain(`  API keys         ${auth}`);
      expect(banner).toContain(`                   ${meaning}`);
      expect(banner).toContain('  Retention        keep everything (--retention 30d to expire; per project too)');
    } finally {
      child.proc.kill('SIGTERM');
      await child.exited;
    }
  });

  it('refuses a price file it cannot use, in one line naming the file and the problem', async () => {
    const missing = runSightline(['serve', '--storage', 'memory', ...ANY_FREE_PORTS, '--prices', join(dir, 'nope.yaml')]);
    expect((await missing.exited).code).toBe(1);
    expect(missing.stderr().trim().split('\n')).toEqual([
      expect.stringMatching(/^sightline: cannot read the price file .*nope\.yaml: ENOENT$/),
    ]);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"gpt-4o": {"input": "2.5"}}');
    const invalid = runSightline(['serve', '--storage', 'memory', ...ANY_FREE_PORTS, '--prices', bad]);
    expect((await invalid.exited).code).toBe(1);
    expect(invalid.stderr()).toMatch(/bad\.json: entry 1 \("gpt-4o"\): "input" must be a number/);
    expect(invalid.stderr()).not.toMatch(/\n\s+at /);
  });

  it('recompute-costs reprices the calls of a running server, which reads its price file again', async () => {
    const prices = join(dir, 'prices.yaml');
    writeFileSync(prices, '- model: gpt-4o-mini\n  input: 1\n  output: 1\n');
    const child = await startChildServer(['--storage', 'memory', '--prices', prices]);
    expect(child.stderr()).toMatch(/LLM calls\s+2,381 built-in model prices \(as of 2026-07-24\) \+ 1 from .*prices\.yaml/);
    const body = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                  name: 'chat',
                  startTimeUnixNano: '1763800000000000000',
                  endTimeUnixNano: '1763800001000000000',
                  attributes: [
                    { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                    { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
                    { key: 'gen_ai.usage.input_tokens', value: { intValue: '1000000' } },
                    { key: 'gen_ai.usage.output_tokens', value: { intValue: '0' } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    expect((await postTraces(child.api, body)).status).toBe(200);
    const cost = async () => (await json(await fetch(`${child.api}/api/llm-calls`))).data[0].cost_usd;
    expect(await cost()).toBe(1);
    writeFileSync(prices, '- model: gpt-4o-mini\n  input: 3\n  output: 1\n');
    const run = runSightline(['recompute-costs', '--url', child.api]);
    expect((await run.exited).code).toBe(0);
    expect(run.stdout()).toMatch(/^Repriced 1 calls: 1 changed cost \(\d+ ms\)\.$/m);
    expect(await cost()).toBe(3);
    child.proc.kill('SIGTERM');
    await child.exited;
  });

  it('recompute-costs says so in one line when no server answers', async () => {
    const { server, port } = await occupy();
    server.close();
    const run = runSightline(['recompute-costs', '--url', `http://127.0.0.1:${port}`]);
    expect((await run.exited).code).toBe(1);
    expect(run.stderr().trim().split('\n')).toEqual([
      expect.stringMatching(/no Sightline server answers at http:\/\/127\.0\.0\.1:\d+ .*sightline serve/),
    ]);
  });

  it('refuses a --url that is not an http address, saying what it wants (not that no server answers)', async () => {
    for (const [args, env] of [
      [['recompute-costs', '--url', 'notaurl'], {}],
      [['demo', '--traces', '1'], { SIGHTLINE_URL: 'ftp://example.org' }],
    ] as const) {
      const run = runSightline([...args], env);
      expect((await run.exited).code).toBe(2);
      expect(run.stderr()).toMatch(/is not (a URL|an http:\/\/ or https:\/\/ address).*http:\/\/127\.0\.0\.1:4800/);
      expect(run.stderr()).not.toMatch(/no Sightline server answers/);
    }
  });

  it('lists datasets and exports one as JSON lines, to standard output or a file', async () => {
    const child = await startChildServer(['--storage', 'memory']);
    try {
      const empty = runSightline(['datasets', '--url', child.api]);
      expect((await empty.exited).code).toBe(0);
      expect(empty.stdout()).toMatch(/^No datasets yet/);
      const traceId = 'c'.repeat(32);
      const event = (span: string, payload: Record<string, unknown>, attributes = {}) =>
        postJson(child.api, '/v1/telemetry/log-event', {
          event: { type: 'structured_log', trace_id: traceId, span_id: span, timestamp: new Date().toISOString(), attributes, payload },
        });
      await event('1'.repeat(16), { type: 'span_start', name: 'turn' }, { session_id: 's-9', answer: 'Paris' });
      await event('1'.repeat(16), { type: 'span_end', status: 'ok' });
      const saved = await postJson(child.api, '/v1/telemetry/spans/export', {
        attribute_filters: [{ key: 'session_id', op: 'eq', value: 's-9' }],
        attributes_to_save: ['answer'],
        dataset_id: 'evals',
      });
      expect(saved.status).toBe(200);

      const list = runSightline(['datasets', '--url', child.api]);
      expect((await list.exited).code).toBe(0);
      expect(list.stdout()).toBe('NAME   ROWS\nevals  1\n');
      const exported = runSightline(['datasets', 'export', 'evals', '--url', child.api]);
      expect((await exported.exited).code).toBe(0);
      const rows = exported
        .stdout()
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(rows).toEqual([expect.objectContaining({ trace_id: traceId, name: 'turn', answer: 'Paris' })]);
      const file = join(dir, 'evals.jsonl');
      expect((await runSightline(['datasets', 'export', 'evals', '-o', file, '--url', child.api]).exited).code).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe(exported.stdout());
      const missing = runSightline(['datasets', 'export', 'nope', '--url', child.api]);
      expect((await missing.exited).code).toBe(1);
      expect(missing.stderr()).toMatch(/dataset "nope" not found/);
    } finally {
      child.proc.kill('SIGTERM');
      await child.exited;
    }
  });

  it('stores spans only with --no-llm-calls (or SIGHTLINE_NO_LLM_CALLS)', async () => {
    for (const [args, env] of [
      [['--no-llm-calls'], {}],
      [[], { SIGHTLINE_NO_LLM_CALLS: '1' }],
    ] as const) {
      const child = await startChildServer(['--storage', 'memory', ...args], env);
      expect(child.stderr()).toMatch(/LLM calls\s+off/);
      child.proc.kill('SIGTERM');
      await child.exited;
    }
  });
});
