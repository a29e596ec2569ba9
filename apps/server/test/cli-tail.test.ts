import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStorage } from '@sightline/storage-sqlite';
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
  // The shell says how tail exited, on the screen tail leaves behind.
  const command = [process.execPath, SIGHTLINE_BIN, 'tail', ...args].join(' ');
  const term = TmuxSession.start(`${command}; echo "[tail exited $?]"`, { width, height, env });
  sessions.push(term);
  return term;
}

async function demo(url: string, seed: number, traces = 30, since = '30m'): Promise<void> {
  const run = runSightline(['demo', '--url', url, '--traces', String(traces), '--since', since, '--seed', String(seed)]);
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
    await until(() => expect(term.capture(false, true)).toContain('[tail exited 0]'));
    // The terminal is as it was: the full screen is gone.
    expect(term.capture()).not.toContain('─ Recent calls');
  }, 60_000);

  it('says when the server is gone, goes on when it is back, and reads back the calls it missed meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-tail-'));
    const path = join(dir, 'tail.db');
    const own = await startTestServer({ storage: new SqliteStorage({ path }) });
    const port = Number(new URL(own.api).port);
    const term = tail(['--url', own.api]);
    try {
      await until(() => expect(term.capture()).toContain('● live'));
      await demo(own.api, 12, 5, '10s');
      await own.stop();
      await until(() =>
        expect(term.capture()).toMatch(/○ reconnecting: (no server answers|the server closed the stream|the connection dropped)/),
      );
      // While it waits to try again, the server comes back on the same database and takes calls
      // no one is listening for: tail reads them back when it reconnects.
      await new Promise((r) => setTimeout(r, 1_500));
      const again = await startTestServer({ port, storage: new SqliteStorage({ path }) });
      try {
        // Calls of the last few seconds, as live traffic is.
        await demo(again.api, 13, 5, '10s');
        const { total } = (await getJson(again.api, '/api/metrics')).body;
        await until(() => {
          const screen = term.capture();
          expect(screen).toMatch(/● live · reconnected at \d\d:\d\d:\d\d/);
          expect(screen).toContain(`Requests ${count(total.calls)} `);
        }, 20_000);
      } finally {
        await again.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
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

  it('refuses a wrong --since as usage (2), and what the server refuses in one line (1)', async () => {
    const run = runSightline(['tail', '--url', sl.api, '--since', 'yesterday']);
    expect((await run.exited).code).toBe(2);
    expect(run.stderr()).toMatch(
      /^error: option '--since <time>' argument 'yesterday' is invalid\. must be a duration before now such as 15m/,
    );
    const far = runSightline(['tail', '--url', sl.api, '--since', '2300-01-01T00:00:00Z']);
    expect((await far.exited).code).toBe(1);
    expect(far.stderr()).toMatch(/^sightline: cannot read the calls --since 2300-01-01T00:00:00Z: query parameter "start" must be between/);
  });
});
