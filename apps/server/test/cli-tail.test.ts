import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TmuxSession, until } from '../../../testing/tmux.js';
import { count, usd } from '../../cli/src/terminal/format.js';
import { runSightline, SIGHTLINE_BIN } from './support/child-server.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer;
beforeAll(async () => {
  sl = await startTestServer();
});
afterAll(() => sl?.stop());

const sessions: TmuxSession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

/** `sightline tail` in a real terminal of the given size. */
function tail(args: string[], width = 140, height = 45, env: Record<string, string> = {}): TmuxSession {
  const term = TmuxSession.start([process.execPath, SIGHTLINE_BIN, 'tail', ...args].join(' '), { width, height, env });
  sessions.push(term);
  return term;
}

async function demo(url: string, seed: number, traces = 30): Promise<void> {
  const run = runSightline(['demo', '--url', url, '--traces', String(traces), '--since', '30m', '--seed', String(seed)]);
  expect((await run.exited).code, run.stderr()).toBe(0);
}

describe('sightline tail in a terminal', () => {
  it('shows the calls the demo sends, with totals that match the API, fits a resize, and quits on q', async () => {
    const term = tail(['--url', sl.api]);
    await until(() => {
      expect(term.capture()).toContain('● live');
      expect(term.capture()).toContain('Waiting for LLM calls.');
    });
    await demo(sl.api, 11);
    const { total } = (await getJson(sl.api, '/api/metrics')).body;
    const screen = await until(() => {
      const text = term.capture();
      expect(text).toContain(`Requests ${count(total.calls)} `);
      return text;
    });
    expect(screen).toContain(`Cost ${usd(total.cost_usd)}`);
    expect(screen).toMatch(new RegExp(`Errors ${total.errors} `));
    for (const section of ['─ Latest call', '─ Since start', '─ By model', '─ Recent calls']) expect(screen).toContain(section);
    const { body: models } = await getJson(sl.api, '/api/metrics?group_by=model');
    const top = models.data.sort((a: { calls: number }, b: { calls: number }) => b.calls - a.calls)[0];
    expect(screen).toMatch(new RegExp(`${top.key.replaceAll('.', '\\.')} +${count(top.calls)} `));
    // The recent calls: one row per call, newest first, with the columns that have data.
    expect(screen).toMatch(/TIME +MODEL +FRESH IN .*LATENCY .*COST +STATUS/);

    term.resize(80, 24);
    await until(() => {
      const lines = term.capture().trimEnd().split('\n');
      expect(lines[0]).toContain('Sightline tail');
      expect(lines.join('\n')).toContain('─ Recent calls');
      for (const l of lines) expect(l.trimEnd().length, l).toBeLessThanOrEqual(80);
      expect(lines.length).toBeLessThanOrEqual(24);
    });

    term.sendKeys('q');
    await until(() => expect(term.running()).toBe(false));
    // tmux may note the exit status a moment after the pane is dead.
    await until(() => expect(term.exitStatus()).toBe(0));
  }, 60_000);

  it('says when the server is gone, and goes on when it is back', async () => {
    const own = await startTestServer();
    const port = Number(new URL(own.api).port);
    const term = tail(['--url', own.api]);
    await until(() => expect(term.capture()).toContain('● live'));
    await own.stop();
    await until(() =>
      expect(term.capture()).toMatch(/○ reconnecting: (no server answers|the server closed the stream|the connection dropped)/),
    );
    const again = await startTestServer({ port });
    try {
      await until(() => expect(term.capture()).toMatch(/● live · reconnected at \d\d:\d\d:\d\d/), 20_000);
      await demo(again.api, 12, 5);
      const { total } = (await getJson(again.api, '/api/metrics')).body;
      await until(() => expect(term.capture()).toContain(`Requests ${count(total.calls)} `));
    } finally {
      await again.stop();
    }
  }, 60_000);

  it('starts with history, keeps to its filters, and writes no colour with NO_COLOR', async () => {
    await demo(sl.api, 13);
    const { body } = await getJson(sl.api, '/api/metrics?provider=anthropic&start=2h');
    const term = tail(['--url', sl.api, '--since', '2h', '--provider', 'anthropic'], 140, 45, { NO_COLOR: '1' });
    const screen = await until(() => {
      const text = term.capture(true);
      expect(text).toContain(`Requests ${count(body.total.calls)} `);
      return text;
    });
    expect(screen).toContain('provider=anthropic');
    expect(screen).toContain('─ Since 2h ago');
    expect(screen).not.toMatch(/gpt-4o|gemini/);
    // tmux writes the pane's own escapes; none of colour comes from tail.
    expect(screen).not.toMatch(new RegExp(`${'\x1b'}\\[(3[1-6]|1|2|7)m`));
  }, 60_000);
});

describe('sightline tail in a pipe', () => {
  it('writes each call as a JSON line, history first, until stopped', async () => {
    await demo(sl.api, 14);
    const { body } = await getJson(sl.api, '/api/llm-calls?model=gpt-4o-mini&start=2h&limit=1000');
    // A copy of a call recorded twice (counted: false) is not a second request: tail leaves it out.
    const counted = body.data.filter((c: { counted: boolean }) => c.counted);
    expect(counted.length).toBeLessThan(body.data.length);
    const run = runSightline(['tail', '--url', sl.api, '--since', '2h', '--model', 'gpt-4o-mini']);
    await until(() => expect(run.stdout().trim().split('\n')).toHaveLength(counted.length));
    const lines = run
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(new Set(lines.map((c) => c.span_id))).toEqual(new Set(counted.map((c: { span_id: string }) => c.span_id)));
    for (const c of lines) expect(c.request_model === 'gpt-4o-mini' || c.model === 'gpt-4o-mini').toBe(true);
    run.proc.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    expect(run.stderr()).toBe('');
  }, 60_000);

  it('refuses what the server refuses, in one line', async () => {
    const run = runSightline(['tail', '--url', sl.api, '--since', 'yesterday']);
    expect((await run.exited).code).toBe(1);
    expect(run.stderr()).toMatch(/^sightline: cannot read the calls --since yesterday: query parameter "start" must be an ISO-8601 time/);
  });
});
