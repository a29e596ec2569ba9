import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.js';

const STREAM =
  ': ping\n\nid: 7\nevent: call\ndata: {"a":1}\n\nid: 8\r\nevent: trace\r\ndata: line one\r\ndata: line two\r\n\r\ndata: plain\n\n';

describe('reading a text/event-stream', () => {
  it('gives the same events however the stream is cut into chunks', () => {
    const whole = new SseParser().push(STREAM);
    expect(whole).toEqual([
      { id: '7', event: 'call', data: '{"a":1}' },
      { id: '8', event: 'trace', data: 'line one\nline two' },
      { id: '8', event: 'message', data: 'plain' },
    ]);
    for (let size = 1; size < 12; size++) {
      const parser = new SseParser();
      const events = [];
      for (let i = 0; i < STREAM.length; i += size) events.push(...parser.push(STREAM.slice(i, i + size)));
      expect(events).toEqual(whole);
    }
  });

  it('waits for the blank line that ends an event', () => {
    const parser = new SseParser();
    expect(parser.push('event: call\ndata: {}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ id: null, event: 'call', data: '{}' }]);
  });
});
