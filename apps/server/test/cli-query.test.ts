import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TmuxSession, until } from '../../../testing/tmux.js';
import { count, usd } from '../../cli/src/terminal/format.js';
import { runSightline, SIGHTLINE_BIN } from './support/child-server.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

const exec = promisify(execFile);
let sl: TestServer;
beforeAll(async () => {
  sl = await startTestServer();
  const demo = runSightline(['demo', '--url', sl.api, '--traces', '80', '--since', '2h', '--seed', '31']);
  expect((await demo.exited).code, demo.stderr()).toBe(0);
}, 60_000);
afterAll(() => sl?.stop());

/** `sightline <args> --url <server>`: exit code and output. */
async function cli(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const run = runSightline([...args, '--url', sl.api]);
  const { code } = await run.exited;
  return { code, out: run.stdout(), err: run.stderr() };
}

const dataLines = (out: string) => out.trimEnd().split('\n').slice(1);

describe('the query commands', () => {
  it('sightline traces: the newest traces, filtered, or the API’s JSON', async () => {
    const { body } = await getJson(sl.api, '/api/traces?limit=10');
    const table = await cli('traces', '--limit', '10');
    expect(table.code).toBe(0);
    expect(table.out.split('\n')[0]).toMatch(/^ STARTED +TRACE ID +ROOT +SERVICE +DURATION +SPANS +CALLS +TOKENS +COST +ERR$/);
    expect(dataLines(table.out).map((l) => /[0-9a-f]{32}/.exec(l)?.[0])).toEqual(body.data.map((t: { trace_id: string }) => t.trace_id));
    expect(table.err).toContain('(10 shown; more match');
    const json = await cli('traces', '--limit', '10', '--json');
    expect(JSON.parse(json.out)).toEqual(body);
    const errors = await cli('traces', '--errors', '--service', 'support-bot', '--limit', '1000');
    const { body: failed } = await getJson(sl.api, '/api/traces?status=error&service=support-bot&limit=1000');
    expect(dataLines(errors.out)).toHaveLength(failed.data.length);
    for (const line of dataLines(errors.out)) expect(line).toContain('support-bot');
  });

  it('sightline trace ID: the tree, with calls, their tokens and cost, and errors marked', async () => {
    const { body: failing } = await getJson(sl.api, '/api/traces?status=error&limit=1');
    const id = failing.data[0].trace_id;
    const { body: detail } = await getJson(sl.api, `/api/traces/${id}`);
    const tree = await cli('trace', id);
    expect(tree.code).toBe(0);
    const [title, figures] = tree.out.split('\n');
    expect(title).toBe(`${detail.trace.root_span_name} · ${detail.trace.service_name} · ${id}`);
    expect(figures).toContain(`${count(detail.trace.span_count)} spans`);
    expect(figures).toContain(usd(detail.trace.cost_usd));
    const rows = tree.out.split('\n').filter((l) => /[├└]─ /.test(l));
    expect(rows.length).toBe(detail.spans.length - 1);
    const failed = detail.spans.find((s: { status: { code: string } }) => s.status.code === 'error');
    expect(tree.out).toContain(`✗ ${failed.name}`);
    const { body: calls } = await getJson(sl.api, `/api/llm-calls?trace_id=${id}`);
    for (const c of calls.data) if (c.model) expect(tree.out).toContain(c.model);
  });

  it('sightline calls and stats: the calls of a provider, and totals that match the metrics API', async () => {
    const calls = await cli('calls', '--provider', 'anthropic', '--limit', '20');
    expect(calls.code).toBe(0);
    for (const line of dataLines(calls.out)) expect(line).toContain('anthropic');
    // One of them in full: its figures and its messages.
    const spanId = /[0-9a-f]{16}$/.exec(dataLines(calls.out)[0] as string)?.[0] as string;
    const { body: detail } = await getJson(sl.api, `/api/llm-calls/${spanId}`);
    const one = await cli('call', spanId);
    expect(one.code).toBe(0);
    expect(one.out.split('\n')[0]).toContain(detail.model);
    expect(one.out).toContain(`span ${spanId}`);
    const asked = detail.input_messages.find((m: { role: string }) => m.role === 'user').parts[0].content as string;
    expect(one.out).toContain(`user       ${asked.slice(0, 30)}`);
    expect((await cli('call', 'nothex')).code).toBe(2);
    const stats = await cli('stats', '--group-by', 'model', '--since', '1d');
    const { body } = await getJson(sl.api, '/api/metrics?group_by=model&start=1d');
    expect(stats.out.split('\n')[0]).toMatch(/^ MODEL +CALLS +ERRORS +IN +OUT +CACHED +COST +P50 +P95 +P99 +TTFT P50$/);
    const total = stats.out.split('\n').find((l) => l.startsWith(' TOTAL')) as string;
    expect(total).toMatch(new RegExp(`^ TOTAL +${count(body.total.calls)} `));
    expect(total).toContain(usd(body.total.cost_usd));
    expect(dataLines(stats.out)).toHaveLength(body.data.length + 1);
  });

  it('sightline sessions and session ID: names, labels, a label filter, and the conversation turn by turn', async () => {
    const list = await cli('sessions', '--label', 'team=support', '--limit', '100');
    expect(list.code).toBe(0);
    const rows = dataLines(list.out);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r).toMatch(/conv_\w+ +Support: .*team=support/);
    const id = /conv_\w+/.exec(rows[0] as string)?.[0] as string;
    const { body } = await getJson(sl.api, `/api/sessions/${id}`);
    const conversation = await cli('session', id);
    expect(conversation.code).toBe(0);
    expect(conversation.out.split('\n')[0]).toBe(`${body.session.name} · ${id}`);
    const turns = conversation.out.split('\n').filter((l) => /^Turn \d+ ·/.test(l));
    expect(turns).toHaveLength(body.calls.filter((c: { counted: boolean }) => c.counted).length);
    const question = body.calls[0].input_messages.find((m: { role: string }) => m.role === 'user').parts[0].content as string;
    expect(conversation.out).toContain(`user       ${question.slice(0, 40)}`);
  });

  it('fits the terminal it prints to: a table, and a conversation with its turns’ figures', async () => {
    const sessions = await getJson(sl.api, '/api/sessions?label.team=support&limit=1');
    const runs = [
      ['traces --limit 15', 'TRACE ID'],
      [`session ${sessions.body.data[0].session_id}`, 'Turn 1 ·'],
    ];
    for (const [args, shown] of runs) {
      const term = TmuxSession.start(`${process.execPath} ${SIGHTLINE_BIN} ${args} --url ${sl.api}`, { width: 72, height: 30 });
      try {
        const screen = await until(() => {
          expect(term.running()).toBe(false);
          const text = term.capture(false, true, true);
          expect(text).toContain(shown);
          return text;
        });
        for (const line of screen.split('\n')) expect(line.trimEnd().length, line).toBeLessThanOrEqual(72);
      } finally {
        term.kill();
      }
    }
  });

  it('lists hours in time order, shows each message of a conversation once, and stops quietly when the reader does', async () => {
    const hours = await cli('stats', '--group-by', 'hour', '--since', '1d');
    const { body } = await getJson(sl.api, '/api/metrics?group_by=hour&start=1d');
    const labels = dataLines(hours.out)
      .slice(0, -1)
      .map((l) => /^ (\w{3} \d+ \d\d:00)/.exec(l)?.[1]);
    expect(labels).toHaveLength(body.data.length);
    const expected = body.data.map((r: { key: string }) => {
      const d = new Date(r.key);
      return `${d.toLocaleString('en-US', { month: 'short', day: 'numeric' })} ${String(d.getHours()).padStart(2, '0')}:00`;
    });
    expect(labels).toEqual(expected);

    const { body: sessions } = await getJson(sl.api, '/api/sessions?label.team=support&order_by=call_count:desc&limit=1');
    const conversation = await cli('session', sessions.data[0].session_id);
    const { body: detail } = await getJson(sl.api, `/api/sessions/${sessions.data[0].session_id}`);
    const question = detail.calls[0].input_messages.find((m: { role: string }) => m.role === 'user').parts[0].content as string;
    expect(conversation.out.split(question.slice(0, 40)).length - 1).toBe(1);

    // (Not spawnSync: the server runs in this process and must answer meanwhile.)
    const piped = await exec('bash', [
      '-c',
      `${process.execPath} ${SIGHTLINE_BIN} traces --limit 1000 --url ${sl.api} | head -1; echo "exit \${PIPESTATUS[0]}"`,
    ]);
    expect(piped.stdout.trim().split('\n').at(-1)).toBe('exit 0');
    expect(piped.stderr).toBe('');
  });

  it('answers a wrong id with usage (2) and an unknown one with the server’s word (1)', async () => {
    const bad = await cli('trace', 'xyz');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('"xyz" is not a trace id (32 hex characters)');
    const unknown = await cli('trace', 'f'.repeat(32));
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^sightline: trace f{32} not found/);
    const badGroup = await cli('stats', '--group-by', 'colour');
    expect(badGroup.code).toBe(2);
    const down = runSightline(['calls', '--url', 'http://127.0.0.1:9']);
    expect((await down.exited).code).toBe(1);
    expect(down.stderr()).toMatch(/^sightline: no Sightline server answers at http:\/\/127\.0\.0\.1:9/);
  });
});
