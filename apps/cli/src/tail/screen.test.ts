import { describe, expect, it } from 'vitest';
import { visibleWidth } from '../terminal/format.js';
import { ANSI, PLAIN } from '../terminal/style.js';
import { renderScreen, type ScreenState } from './screen.js';
import { TailStats } from './tail-stats.js';
import { liveCall } from './tail-stats.test.js';

const ESC = '\x1b';

function state(stats: TailStats, over: Partial<ScreenState> = {}): ScreenState {
  return {
    stats,
    url: 'http://127.0.0.1:4800',
    filters: [],
    connection: { state: 'live', message: null },
    now: 65_000,
    since: null,
    ...over,
  };
}

function filled(): TailStats {
  const s = new TailStats(0);
  s.add(
    liveCall({
      model: 'claude-sonnet-4-5-20250929',
      request_model: 'claude-sonnet-4-5',
      provider: 'anthropic',
      ttft_ms: 640,
      cache_read_tokens: 2000,
      input_tokens: 2100,
      duration_ms: 2500,
    }),
  );
  s.add(
    liveCall({
      is_error: true,
      status_code: 429,
      error_type: 'RateLimitError',
      input_tokens: null,
      output_tokens: null,
      cost_usd: null,
      tokens_per_s: null,
    }),
  );
  s.add(liveCall({ session_id: 'conv-42' }));
  return s;
}

describe('the console screen', () => {
  it('shows the latest call, the totals, the models and the recent calls, with "—" for unknown', () => {
    const lines = renderScreen(state(filled()), 140, 40, PLAIN);
    const text = lines.join('\n');
    expect(lines[0]).toMatch(/^ Sightline tail {2}· {2}http:\/\/127\.0\.0\.1:4800 {2}· {2}● live +q quit $/);
    expect(text).toContain('─ Since start · 1m 05s');
    expect(text).toMatch(/Requests 3 {3}Errors 1 \(4xx 1 · 5xx 0 · client 0\) {3}Cost \$0\.002/);
    expect(text).toContain('Sessions 1  ·  current conv-42');
    // The failed call knows no tokens: its cells say so.
    const failed = lines.find((l) => l.includes('429')) as string;
    expect(failed).toMatch(/—/);
    expect(failed).not.toMatch(/ 0 /);
    // TTFT and CACHED columns, because a call has them; no ROUTE or REASON column, because none does.
    const header = lines.find((l) => l.includes('FRESH IN') && l.includes('STATUS')) as string;
    expect(header).toContain('TTFT');
    expect(header).toContain('CACHED');
    expect(header).not.toContain('ROUTE');
    expect(header).not.toContain('REASON');
    expect(text).not.toContain('─ Routes');
  });

  it('fits any width and height, dropping the least needed columns first', () => {
    const stats = filled();
    stats.add(liveCall({ route_name: 'fast-lane', reasoning_tokens: 120 }));
    for (const [columns, rows] of [
      [160, 50],
      [100, 30],
      [72, 24],
      [40, 12],
    ] as const) {
      const lines = renderScreen(state(stats), columns, rows, ANSI);
      expect(lines.length).toBeLessThanOrEqual(rows);
      for (const l of lines) expect(visibleWidth(l), l).toBeLessThanOrEqual(columns);
    }
    const wide = renderScreen(state(stats), 160, 50, PLAIN).join('\n');
    expect(wide).toContain('─ Routes');
    expect(wide).toMatch(/fast-lane +1 +25\.0%/);
    const narrow = renderScreen(state(stats), 72, 24, PLAIN);
    const header = narrow.find((l) => l.includes('STATUS')) as string;
    expect(header).toContain('MODEL');
    expect(header).toContain('LATENCY');
    expect(header).not.toContain('REASON');
  });

  it('says what it waits for, and when the server is gone', () => {
    const empty = renderScreen(state(new TailStats(0), { filters: ['model=gpt-4o'] }), 100, 20, PLAIN).join('\n');
    expect(empty).toContain('Waiting for LLM calls matching the filters.');
    expect(empty).toContain('model=gpt-4o');
    const down = renderScreen(state(filled(), { connection: { state: 'down', message: 'no server answers' } }), 100, 20, PLAIN);
    expect(down[0]).toContain('○ reconnecting: no server answers');
  });

  it('colours latency by its thresholds, and writes no colour in plain style', () => {
    const colour = renderScreen(state(filled()), 140, 40, ANSI).join('\n');
    // 2.5 s is yellow (2 to 10 s), 800 ms green.
    expect(colour).toMatch(new RegExp(`${ESC}\\[33m *2\\.50 s${ESC}\\[39m`));
    expect(colour).toMatch(new RegExp(`${ESC}\\[32m *800 ms${ESC}\\[39m`));
    expect(renderScreen(state(filled()), 140, 40, PLAIN).join('\n')).not.toContain('\x1b[');
  });
});
