import { describe, expect, it } from 'vitest';
import type { LiveCall } from './live-call.js';
import { TailStats } from './tail-stats.js';

let n = 0;
/** A call as /api/live announces it. */
export function liveCall(over: Partial<LiveCall> = {}): LiveCall {
  n++;
  return {
    trace_id: 'a'.repeat(32),
    span_id: n.toString(16).padStart(16, '0'),
    timestamp: new Date(1_760_000_000_000 + n * 1000).toISOString(),
    service_name: 'chat-app',
    provider: 'openai',
    request_model: 'gpt-4o-mini',
    model: 'gpt-4o-mini-2024-07-18',
    route_name: null,
    operation: 'chat',
    input_tokens: 100,
    output_tokens: 10,
    cache_read_tokens: null,
    cache_write_tokens: null,
    reasoning_tokens: null,
    ttft_ms: null,
    duration_ms: 800,
    tokens_per_s: 12.5,
    cost_usd: 0.001,
    is_error: false,
    error_type: null,
    status_code: null,
    session_id: null,
    counted: true,
    ...over,
  };
}

describe('the console’s totals', () => {
  it('counts each counted call once, and splits errors into 4xx, 5xx and client-side', () => {
    const s = new TailStats(0);
    const first = liveCall({ session_id: 's-1' });
    expect(s.add(first)).toBe(true);
    expect(s.add(first)).toBe(false);
    expect(s.add(liveCall({ counted: false }))).toBe(false);
    s.add(liveCall({ is_error: true, status_code: 429, cost_usd: null, input_tokens: null, output_tokens: null }));
    s.add(liveCall({ is_error: true, status_code: 503, cost_usd: null }));
    s.add(liveCall({ is_error: true, error_type: 'TimeoutError', session_id: 's-2' }));
    expect(s.requests).toBe(4);
    expect(s.errors).toEqual({ '4xx': 1, '5xx': 1, client: 1 });
    expect(s.cost).toBeCloseTo(0.002, 12);
    expect(s.input).toBe(300);
    expect([...s.sessions]).toEqual(['s-1', 's-2']);
    expect(s.currentSession).toBe('s-2');
  });

  it('leaves figures no call knew unknown, not zero', () => {
    const s = new TailStats(0);
    s.add(liveCall({ cost_usd: null, cache_read_tokens: null, ttft_ms: null }));
    expect(s.cost).toBeNull();
    expect(s.cacheRead).toBeNull();
    expect(s.ttft.count).toBe(0);
    expect(s.modelRows()[0]).toMatchObject({ model: 'gpt-4o-mini-2024-07-18', requests: 1, cacheWrite: null, cost: null });
  });

  it('rolls up by model with fresh input apart from cached, by route with its share, and keeps the newest calls first', () => {
    const s = new TailStats(0);
    const late = liveCall({ input_tokens: 1000, cache_read_tokens: 800, route_name: 'fast' });
    const early = liveCall({
      timestamp: new Date(0).toISOString(),
      model: 'claude-sonnet-4-5',
      route_name: 'smart',
      is_error: true,
      status_code: 500,
    });
    s.add(late);
    s.add(early);
    s.add(liveCall({ route_name: 'fast' }));
    expect(s.modelRows().map((m) => [m.model, m.requests, m.input, m.cacheRead, m.errors])).toEqual([
      ['gpt-4o-mini-2024-07-18', 2, 300, 800, 0],
      ['claude-sonnet-4-5', 1, 100, null, 1],
    ]);
    expect(s.routeRows().map((r) => [r.route, r.hits, r.errors])).toEqual([
      ['fast', 2, 0],
      ['smart', 1, 1],
    ]);
    expect(s.recent.at(-1)).toBe(early);
    expect(s.latest).not.toBe(early);
  });
});
