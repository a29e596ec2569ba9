import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSightline } from './support/child-server.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

let source: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'sightline-export-'));
beforeAll(async () => {
  source = await startTestServer();
  const demo = runSightline(['demo', '--url', source.api, '--traces', '60', '--since', '2h', '--seed', '41']);
  expect((await demo.exited).code, demo.stderr()).toBe(0);
}, 60_000);
afterAll(async () => {
  await source?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const run = runSightline(args);
  const { code } = await run.exited;
  return { code, out: run.stdout(), err: run.stderr() };
}

/** What a server holds, as the API shows it: traces, calls and totals. */
async function holdings(url: string, query = '') {
  const traces = (await getJson(url, `/api/traces?limit=1000${query}`)).body.data;
  const calls = (await getJson(url, `/api/llm-calls?limit=1000${query}`)).body.data;
  const { total } = (await getJson(url, `/api/metrics?start=1d${query}`)).body;
  const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));
  return {
    traces: traces.map((t: Record<string, unknown>) =>
      pick(t, ['trace_id', 'root_span_name', 'span_count', 'llm_call_count', 'total_tokens', 'cost_usd', 'session_id', 'error_count']),
    ),
    calls: calls.map((c: Record<string, unknown>) =>
      pick(c, ['span_id', 'model', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cost_usd', 'ttft_ms', 'counted', 'session_id']),
    ),
    total,
  };
}

describe('sightline export and import', () => {
  it('round-trips a server into a fresh one: the same traces, calls and costs, and importing twice stores once', async () => {
    const file = join(dir, 'all.jsonl');
    const exported = await cli('export', '--url', source.api, '--since', '1d', '-o', file);
    expect(exported.code, exported.err).toBe(0);
    const before = await holdings(source.api);
    expect(exported.err).toMatch(new RegExp(`^Exported ${before.traces.length} traces \\([\\d,]+ spans\\) to ${file}\\n$`));
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(before.traces.length);
    for (const l of lines) expect(Object.keys(JSON.parse(l))).toEqual(['resourceSpans']);

    const target = await startTestServer();
    try {
      for (let i = 0; i < 2; i++) {
        const imported = await cli('import', file, '--url', target.api);
        expect(imported.code, imported.err).toBe(0);
        expect(imported.out).toMatch(/^Sent [\d,]+ spans \(\d+ OTLP requests\) from .*all\.jsonl; a span already stored is kept once\n$/);
      }
      const after = await holdings(target.api);
      expect(after.traces).toEqual(before.traces);
      expect(after.calls).toEqual(before.calls);
      expect(after.total).toEqual(before.total);
    } finally {
      await target.stop();
    }
  }, 60_000);

  it('writes spans as JSON lines, or one service as the SDK’s document, which import also reads', async () => {
    const jsonl = await cli(
      'export',
      '--url',
      source.api,
      '--since',
      '1d',
      '--session',
      (await firstSession()) as string,
      '--format',
      'jsonl',
    );
    expect(jsonl.code).toBe(0);
    const spans = jsonl.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(spans.length).toBeGreaterThan(0);
    for (const s of spans) expect(s).toMatchObject({ span_id: expect.stringMatching(/^[0-9a-f]{16}$/), name: expect.any(String) });

    const mixed = await cli('export', '--url', source.api, '--since', '1d', '--format', 'sightline');
    expect(mixed.code).toBe(1);
    expect(mixed.err).toContain('the sightline format holds the spans of one service');

    const file = join(dir, 'rag.json');
    const one = await cli('export', '--url', source.api, '--since', '1d', '--service', 'rag-api', '--format', 'sightline', '-o', file);
    expect(one.code, one.err).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: 'sightline-export', version: 1 });
    const target = await startTestServer();
    try {
      expect((await cli('import', file, '--url', target.api)).code).toBe(0);
      const before = await holdings(source.api, '&service=rag-api');
      const after = await holdings(target.api, '&service=rag-api');
      expect(after.calls).toEqual(before.calls);
      expect(after.traces.map((t: { trace_id: string }) => t.trace_id)).toEqual(before.traces.map((t: { trace_id: string }) => t.trace_id));
    } finally {
      await target.stop();
    }
  }, 60_000);

  it('refuses an empty file and a bad format in one line', async () => {
    const empty = join(dir, 'empty.jsonl');
    (await import('node:fs')).writeFileSync(empty, '');
    const run = await cli('import', empty, '--url', source.api);
    expect(run.code).toBe(1);
    expect(run.err).toContain(`${empty} is empty`);
    const bad = await cli('export', '--url', source.api, '--format', 'csv');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/argument 'csv' is invalid. Allowed choices are otlp-json, jsonl, sightline/);
  });
});

async function firstSession(): Promise<string | undefined> {
  return (await getJson(source.api, '/api/sessions?limit=1')).body.data[0]?.session_id;
}
