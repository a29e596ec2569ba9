import { describe, expect, it } from 'vitest';
import type { TraceOutlineJson, TraceSummary } from '../api/types';
import { buildTraceModel, nextErrorNode } from './trace-model';

/** An outline of spans given as [parent, start ms, status, failed call?] (call: null when the span records none). */
function outline(spans: [number, number, number, boolean | null][]): TraceOutlineJson {
  const calls = spans.filter((s) => s[3] !== null);
  let next = 0;
  return {
    trace: {} as TraceSummary,
    start_time: '2026-12-06T00:00:00Z',
    spans: {
      count: spans.length,
      span_id: spans.map((_, i) => `s${i}`),
      parent: spans.map((s) => s[0]),
      name: spans.map(() => 0),
      service: spans.map(() => 0),
      kind: spans.map(() => 1),
      status: spans.map((s) => s[2]),
      start_ms: spans.map((s) => s[1]),
      duration_ms: spans.map(() => 1),
      call: spans.map((s) => (s[3] === null ? -1 : next++)),
    },
    calls: {
      count: calls.length,
      model: calls.map(() => 0),
      provider: calls.map(() => 0),
      input_tokens: calls.map(() => null),
      output_tokens: calls.map(() => null),
      cache_read_tokens: calls.map(() => null),
      cost_usd: calls.map(() => null),
      ttft_ms: calls.map(() => null),
      counted: calls.map(() => true),
      is_error: calls.map((s) => s[3] === true),
    },
    strings: ['x'],
  };
}

describe('going to the next error in a trace', () => {
  // Tree order: 0 root, 1 (its first child), 3 (1's child, failed call), 2 (second child, error status), 4 (ok).
  const model = buildTraceModel(
    outline([
      [-1, 0, 0, null],
      [0, 1, 0, null],
      [0, 5, 2, null],
      [1, 2, 0, true],
      [0, 9, 0, false],
    ]),
  );

  it('visits failed spans and failed calls in the order the tree shows them, then starts again', () => {
    expect(nextErrorNode(model, -1)).toBe(3);
    expect(nextErrorNode(model, 3)).toBe(2);
    expect(nextErrorNode(model, 2)).toBe(3);
    expect(nextErrorNode(model, 4)).toBe(3);
  });

  it('finds none in a trace where nothing failed', () => {
    expect(
      nextErrorNode(
        buildTraceModel(
          outline([
            [-1, 0, 0, null],
            [0, 1, 1, false],
          ]),
        ),
        -1,
      ),
    ).toBe(-1);
  });
});
