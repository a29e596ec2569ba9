import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSightline, SIGHTLINE_BIN } from './support/child-server.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer;
let client: Client;
beforeAll(async () => {
  sl = await startTestServer();
  const demo = runSightline(['demo', '--url', sl.api, '--traces', '60', '--since', '2h', '--seed', '51']);
  expect((await demo.exited).code, demo.stderr()).toBe(0);
  client = new Client({ name: 'sightline-test', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args: [SIGHTLINE_BIN, 'mcp', '--url', sl.api], stderr: 'pipe' }),
  );
}, 60_000);
afterAll(async () => {
  await client?.close();
  await sl?.stop();
});

/** Calls a tool; its text, and whether it is an error. */
async function call(name: string, args: Record<string, unknown> = {}): Promise<{ text: string; isError: boolean }> {
  const result = (await client.callTool({ name, arguments: args })) as { content: { type: string; text: string }[]; isError?: boolean };
  return { text: result.content.map((c) => c.text).join('\n'), isError: result.isError === true };
}

describe('sightline mcp, through the MCP SDK’s own client over stdio', () => {
  it('offers its read-only tools, each described', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'get_llm_call',
      'get_session',
      'get_trace',
      'list_llm_calls',
      'list_traces',
      'llm_stats',
      'recent_errors',
    ]);
    for (const t of tools) {
      expect(t.description?.length).toBeGreaterThan(40);
      expect(t.annotations?.readOnlyHint).toBe(true);
    }
  });

  it('answers what an engineer asks about their app: traces, one trace, calls, one call, stats, errors, a session', async () => {
    const { body: traces } = await getJson(sl.api, '/api/traces?status=error&limit=3');
    const listed = JSON.parse((await call('list_traces', { errors_only: true, limit: 3 })).text);
    expect(listed.traces.map((t: { trace_id: string }) => t.trace_id)).toEqual(traces.data.map((t: { trace_id: string }) => t.trace_id));

    const tree = await call('get_trace', { trace_id: traces.data[0].trace_id });
    expect(tree.isError).toBe(false);
    expect(tree.text).toContain(traces.data[0].root_span_name);
    expect(tree.text).toContain('✗');

    const calls = JSON.parse((await call('list_llm_calls', { provider: 'anthropic', limit: 5 })).text).calls;
    expect(calls).toHaveLength(5);
    for (const c of calls) expect(c.provider).toBe('anthropic');
    const one = JSON.parse((await call('get_llm_call', { span_id: calls[0].span_id })).text);
    expect(one).toMatchObject({ span_id: calls[0].span_id, provider: 'anthropic' });
    expect(one.input_messages.length).toBeGreaterThan(0);

    const stats = JSON.parse((await call('llm_stats', { group_by: 'provider' })).text);
    const { body: metrics } = await getJson(sl.api, '/api/metrics?group_by=provider');
    expect(stats).toEqual(metrics);

    const errors = JSON.parse((await call('recent_errors', {})).text);
    const { body: failed } = await getJson(sl.api, '/api/llm-calls?status=error&limit=20');
    expect(errors.calls.map((c: { span_id: string }) => c.span_id)).toEqual(failed.data.map((c: { span_id: string }) => c.span_id));
    const { body: failures } = await getJson(sl.api, '/api/metrics?status=error');
    expect(errors.errors_by_model.reduce((n: number, r: { errors: number }) => n + r.errors, 0)).toBe(failures.total.calls);
    expect(failures.total.calls).toBeGreaterThan(0);

    const { body: sessions } = await getJson(sl.api, '/api/sessions?label.team=support&limit=1');
    const conversation = await call('get_session', { session_id: sessions.data[0].session_id });
    expect(conversation.text.split('\n')[0]).toBe(`${sessions.data[0].name} · ${sessions.data[0].session_id}`);
    expect(conversation.text).toMatch(/Turn 1 ·/);
  });

  it('says what went wrong as a tool error, not by failing the connection', async () => {
    const missing = await call('get_trace', { trace_id: 'f'.repeat(32) });
    expect(missing).toEqual({ isError: true, text: `trace ${'f'.repeat(32)} not found` });
    const bad = await client.callTool({ name: 'get_trace', arguments: { trace_id: 'nope' } });
    expect(bad.isError).toBe(true);
    const down = new Client({ name: 'down', version: '1' });
    await down.connect(
      new StdioClientTransport({ command: process.execPath, args: [SIGHTLINE_BIN, 'mcp', '--url', 'http://127.0.0.1:9'], stderr: 'pipe' }),
    );
    try {
      const result = (await down.callTool({ name: 'list_traces', arguments: {} })) as { content: { text: string }[]; isError?: boolean };
      expect(result.isError).toBe(true);
      expect(result.content[0]?.text).toMatch(/^no Sightline server answers at http:\/\/127\.0\.0\.1:9/);
    } finally {
      await down.close();
    }
  });
});
