import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildServer, runSightline, startChildServer } from './support/child-server.js';
import { getJson } from './support/test-server.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-demo-'));
let child: ChildServer;

beforeAll(async () => {
  child = await startChildServer(['--db', join(dir, 'demo.db')]);
});

afterAll(async () => {
  child?.proc.kill('SIGTERM');
  await child?.exited;
  rmSync(dir, { recursive: true, force: true });
});

async function demo(args: string[]) {
  const run = runSightline(['demo', '--url', child.api, ...args]);
  const { code } = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** The summary without what changes from run to run. */
function figures(stdout: string): Record<string, unknown> {
  const { duration_ms: _, ...rest } = JSON.parse(stdout) as Record<string, unknown>;
  return rest;
}

describe('sightline demo', () => {
  let first: Record<string, unknown>;

  it('fills a running server through OTLP: services, vocabularies, providers, sessions, errors, cache, cost, TTFT', async () => {
    const run = await demo(['--traces', '30', '--seed', '1', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    first = figures(run.stdout);
    expect(first).toMatchObject({
      url: child.api,
      seed: 1,
      mode: 'past',
      traces: 30,
      rejected_spans: 0,
      error: null,
      ui: `${child.api}/traces`,
    });

    const traces = (await getJson(child.api, '/api/traces?limit=100')).body.data as any[];
    expect(traces).toHaveLength(30);
    expect(traces.reduce((n, t) => n + t.span_count, 0)).toBe(first.spans);
    expect(new Set(traces.map((t) => t.service_name)).size).toBeGreaterThanOrEqual(6);
    expect(traces.some((t) => t.error_count > 0)).toBe(true);

    const calls = (await getJson(child.api, '/api/llm-calls?limit=1000')).body.data as any[];
    expect(calls).toHaveLength(first.llm_calls as number);
    const vocabularies = new Set(calls.map((c) => c.vocabulary));
    for (const v of ['otel-genai', 'openinference', 'vercel-ai']) expect(vocabularies).toContain(v);
    const providers = new Set(calls.map((c) => c.provider));
    for (const p of ['openai', 'anthropic', 'gcp.gemini']) expect(providers).toContain(p);
    expect(calls.some((c) => c.is_error)).toBe(true);
    expect(calls.filter((c) => c.cache_read_tokens > 0).length).toBeGreaterThan(3);
    expect(calls.filter((c) => c.cost_usd !== null).length).toBeGreaterThan(0.9 * calls.length);
    expect(calls.some((c) => c.is_streaming && c.ttft_ms > 0)).toBe(true);
    expect(calls.some((c) => c.tool_call_count > 0)).toBe(true);

    const sessions = (await getJson(child.api, '/api/sessions?order_by=call_count&limit=100')).body.data as any[];
    expect(sessions.some((s) => s.call_count >= 2 && s.users.length === 1)).toBe(true);
  });

  it('sends the same traces again for the same seed, which the server keeps once', async () => {
    const run = await demo(['--traces', '30', '--seed', '1', '--json']);
    expect(run.code).toBe(0);
    expect(figures(run.stdout)).toEqual(first);
    expect((await getJson(child.api, '/api/traces?limit=100')).body.data).toHaveLength(30);
  });

  it('prints what it sent and where to look', async () => {
    const run = await demo(['--traces', '8', '--seed', '2']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Sending 8 traces to ${child.api}, spread over the last 1h (seed 2)`);
    expect(run.stdout).toMatch(/^Sent 8 traces: [\d,]+ spans, [\d,]+ LLM calls/m);
    expect(run.stdout).toMatch(/vocabularies {2}.*otel-genai/);
    expect(run.stdout).toContain(`${child.api}/traces`);
    expect(run.stdout).toContain('sightline demo --seed 2 --traces 8');
    // Not a terminal: every line fits 80 columns, lists wrapped between their items.
    for (const line of run.stdout.trimEnd().split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(run.stdout).toMatch(/^ {2}services {6}\S.*,\n {16}\S/m);
  });

  it('sends live traffic, timestamped as it goes, with --rate and --duration', async () => {
    const all = async () => (await getJson(child.api, '/api/traces?limit=1000')).body.data as any[];
    const known = new Set((await all()).map((t) => t.trace_id));
    const before = Date.now();
    const run = await demo(['--rate', '10', '--duration', '1.5s', '--seed', '3', '--json']);
    const after = Date.now();
    expect(run.code).toBe(0);
    const summary = figures(run.stdout);
    expect(summary.mode).toBe('live');
    expect(summary.traces).toBeGreaterThanOrEqual(5);
    expect(summary.traces).toBeLessThanOrEqual(16);
    const traces = (await all()).filter((t) => !known.has(t.trace_id));
    expect(traces).toHaveLength(summary.traces as number);
    for (const t of traces) {
      expect(Date.parse(t.end_time)).toBeGreaterThanOrEqual(before - 1);
      expect(Date.parse(t.end_time)).toBeLessThanOrEqual(after);
    }
  });

  it('says in one line that no server runs at the address, and how to start one', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const run = runSightline(['demo', '--url', `http://127.0.0.1:${port}`]);
    expect((await run.exited).code).toBe(1);
    expect(run.stdout()).toBe('');
    expect(run.stderr().trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^sightline: no Sightline server answers at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)\\. Start one with "sightline serve"`,
        ),
      ),
    ]);
  });

  it('explains itself, and refuses bad values', async () => {
    const help = runSightline(['demo', '--help']);
    expect((await help.exited).code).toBe(0);
    for (const flag of ['--traces', '--since', '--rate', '--duration', '--seed', '--json', '--url', 'SIGHTLINE_URL', 'Examples:'])
      expect(help.stdout()).toContain(flag);
    const bad = runSightline(['demo', '--duration', 'soon']);
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr()).toMatch(/--duration.*soon.*duration such as/s);
  });
});
