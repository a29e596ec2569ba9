import { NO_CALLS } from '@sightline/storage';
import { describe, expect, it } from 'vitest';
import { CallWriter } from './call-writer.js';
import type { TraceAggregate } from './trace-aggregate.js';
import { TRACE_BYTES, TraceCache } from './trace-cache.js';

function trace(key: number, returning: boolean): TraceAggregate {
  return {
    key,
    projectId: 1,
    calls: { totals: NO_CALLS, sessionKey: null },
    llm: CallWriter.empty(),
    start: 0n,
    end: 0n,
    spanCount: 1,
    errorCount: 0,
    root: null,
    expiresAt: undefined,
    bloom: new Uint8Array(0),
    returning,
  };
}

describe('the writer’s cache of recent traces', () => {
  it('keeps a trace whose spans keep coming (an agent run exported batch by batch) while whole traces stream past', () => {
    const cache = new TraceCache(100 * TRACE_BYTES, 10 * TRACE_BYTES);
    const run = trace(1, true);
    cache.put('run', run);
    for (let i = 0; i < 1_000; i++) cache.put(`whole-${i}`, trace(100 + i, false));
    expect(cache.take('run')).toBe(run);
    // Traces seen once get the small part: only the last few are still there.
    expect(cache.take('whole-999')).toBeDefined();
    expect(cache.take('whole-900')).toBeUndefined();
    expect(cache.size.bytes).toBeLessThanOrEqual(110 * TRACE_BYTES);
  });

  it('bounds each part by bytes, dropping the call state of a trace too big for its part', () => {
    const cache = new TraceCache(100 * TRACE_BYTES, 10 * TRACE_BYTES);
    const big = trace(1, false);
    for (let i = 0; i < 100; i++) (big.llm as NonNullable<TraceAggregate['llm']>).parents.set(i, -1);
    cache.put('big', big);
    expect(cache.take('big')?.llm).toBeNull();
    for (let i = 0; i < 500; i++) cache.put(`r-${i}`, trace(i, true));
    expect(cache.size.bytes).toBeLessThanOrEqual(100 * TRACE_BYTES);
    expect(cache.size.traces).toBe(100);
  });
});
