import { describe, expect, it } from 'vitest';
import { type TreeCall, type TreeSpan, traceTree } from './trace-tree.js';

const span = (id: string, parent: string | null, start: number, error = false): TreeSpan => ({
  span_id: id,
  parent_span_id: parent,
  name: `span ${id}`,
  kind: 'internal',
  service_name: 'app',
  start_time: new Date(1_760_000_000_000 + start).toISOString(),
  duration_ms: 10,
  status: { code: error ? 'error' : 'unset', message: error ? 'boom' : '' },
});
const call = (id: string, input: number | null, cost: number | null, counted = true): TreeCall => ({
  span_id: id,
  model: 'gpt-4o',
  request_model: 'gpt-4o',
  input_tokens: input,
  output_tokens: input === null ? null : 10,
  cost_usd: cost,
  counted,
});

describe('a trace as a tree', () => {
  it('draws children by start time under their parents, and sums the calls under each span', () => {
    // root ─┬─ a (call) ── a1 (call)
    //       └─ b ── b1 (a copy: not counted)   and an orphan whose parent never arrived
    const spans = [
      span('b1', 'b', 5),
      span('root', null, 0),
      span('b', 'root', 4),
      span('a', 'root', 1),
      span('a1', 'a', 2, true),
      span('orphan', 'gone', 9),
    ];
    const rows = traceTree(spans, [call('a', 100, 0.01), call('a1', 50, null), call('b1', 100, 0.01, false)]);
    expect(rows.map((r) => `${r.prefix}${r.span.span_id}`)).toEqual(['root', '├─ a', '│  └─ a1', '└─ b', '   └─ b1', 'orphan']);
    const byId = new Map(rows.map((r) => [r.span.span_id, r]));
    expect(byId.get('root')).toMatchObject({ calls: 2, tokens: 170, cost: 0.01 });
    expect(byId.get('a1')).toMatchObject({ calls: 1, tokens: 60, cost: null });
    expect(byId.get('b')).toMatchObject({ calls: 0, tokens: null, cost: null });
    expect(byId.get('b1')?.call?.counted).toBe(false);
  });

  it('takes a very deep chain without running out of stack', () => {
    const spans = Array.from({ length: 20_000 }, (_, i) => span(`s${i}`, i === 0 ? null : `s${i - 1}`, i));
    const rows = traceTree(spans, [call('s19999', 5, 0.001)]);
    expect(rows).toHaveLength(20_000);
    expect(rows[0]).toMatchObject({ calls: 1, tokens: 15 });
  });
});
