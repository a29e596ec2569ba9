import { describe, expect, it } from 'vitest';
import { splitDocument } from './import-batches.js';

describe('splitting a large export document', () => {
  const span = (trace: string, i: number) => ({ trace_id: trace, span_id: String(i).padStart(16, '0'), name: 'x'.repeat(100) });
  const doc = {
    format: 'sightline-export',
    version: 1,
    resource: { attributes: { 'service.name': 'app' } },
    sessions: [{ id: 's' }],
    spans: [span('a', 1), span('b', 2), span('a', 3), span('c', 4), span('b', 5)],
    traces: [],
  };

  it('keeps each trace whole, every batch a document of its own under the size asked', () => {
    const batches = splitDocument(doc, 450);
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches) {
      expect(b).toMatchObject({ format: 'sightline-export', version: 1, resource: doc.resource });
      expect(b).not.toHaveProperty('sessions');
      const traces = new Set((b.spans as { trace_id: string }[]).map((s) => s.trace_id));
      for (const t of traces)
        expect((b.spans as { trace_id: string }[]).filter((s) => s.trace_id === t)).toHaveLength(
          doc.spans.filter((s) => s.trace_id === t).length,
        );
    }
    expect(batches.flatMap((b) => b.spans as unknown[])).toHaveLength(5);
  });

  it('sends a small document as one, and a trace larger than the limit alone', () => {
    expect(splitDocument(doc, 1 << 20)).toHaveLength(1);
    const batches = splitDocument(doc, 10);
    expect(batches.map((b) => (b.spans as { trace_id: string }[]).map((s) => s.trace_id))).toEqual([['a', 'a'], ['b', 'b'], ['c']]);
  });
});
