import type { HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { exportDocument } from './export-document.js';

/** Just what the document reads of a finished span. */
function span(
  id: string,
  parent: string | null,
  startMs: number,
  attributes: Record<string, string> = {},
  trace = 'a'.repeat(32),
): ReadableSpan {
  const at = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
  return {
    name: `span ${id}`,
    kind: 0,
    spanContext: () => ({ traceId: trace, spanId: id.padStart(16, '0'), traceFlags: 1 }),
    parentSpanContext: parent ? { traceId: trace, spanId: parent.padStart(16, '0'), traceFlags: 1 } : undefined,
    startTime: at(startMs),
    endTime: at(startMs + 10),
    status: { code: 0 },
    attributes,
    events: [],
    links: [],
    instrumentationScope: { name: 'test' },
    resource: { attributes: { 'service.name': 'app' } },
  } as unknown as ReadableSpan;
}

describe('the file export document', () => {
  it('lists each parent before its children, even when clocks put a child first', () => {
    const doc = exportDocument(
      [span('2', '1', 1_000.4), span('1', null, 1_000.9), span('3', '2', 1_001), span('4', null, 2_000, {}, 'b'.repeat(32))],
      new Date(0),
    );
    expect(doc.spans.map((s) => s.span_id.replace(/^0+/, ''))).toEqual(['1', '2', '3', '4']);
    expect(doc.traces.map((t) => t.roots.map((r) => r.span_id.replace(/^0+/, '')))).toEqual([['1'], ['4']]);
  });

  it('gathers sessions with their name, user, labels, span count and time span', () => {
    const doc = exportDocument(
      [
        span('1', null, 1_000, { 'session.id': 's1', 'sightline.session.name': 'Chat', 'user.id': 'u', 'sightline.label.team': 'x' }),
        span('2', '1', 3_000, { 'session.id': 's1' }),
      ],
      new Date(0),
    );
    expect(doc.sessions).toEqual([
      {
        id: 's1',
        name: 'Chat',
        user_id: 'u',
        labels: { team: 'x' },
        start: '1970-01-01T00:00:01.000Z',
        end: '1970-01-01T00:00:03.010Z',
        span_count: 2,
        trace_ids: ['a'.repeat(32)],
      },
    ]);
  });
});
