import { describe, expect, it } from 'vitest';
import { describeStorageConformance } from '../testing/conformance.js';
import { buildTrace } from '../testing/span-builder.js';
import { MemoryStorage } from './memory-storage.js';

describeStorageConformance('memory', async () => new MemoryStorage({ capacity: 10_000 }));

describe('memory storage', () => {
  it('keeps only the most recent spans up to its capacity', async () => {
    const store = new MemoryStorage({ capacity: 10 });
    const old = buildTrace(6);
    const recent = buildTrace(6);
    await store.write([{ project: 'default', spans: old }]);
    await store.write([{ project: 'default', spans: recent }]);
    expect(store.size).toBe(10);
    const oldTrace = await store.getTrace({ project: 'default', traceId: old[0]?.traceId as string });
    expect(oldTrace?.spans.map((s) => s.spanId)).toEqual(old.slice(2).map((s) => s.spanId));
    expect((await store.getTrace({ project: 'default', traceId: recent[0]?.traceId as string }))?.spans).toHaveLength(6);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new MemoryStorage({ capacity: 0 })).toThrow(/positive integer/);
  });
});
