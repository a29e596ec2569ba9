/**
 * Server-Sent Events framing (the `text/event-stream` format of the HTML standard). A frame
 * is `id:`, `event:` and `data:` lines ended by a blank line; `data` must be one line, which
 * `JSON.stringify` output always is (it escapes CR and LF in strings).
 */

/** A frame of `event` carrying `data`; without an id it leaves the client's last event id as it was. */
export function sseFrame(id: number | null, event: string, data: string): string {
  return id === null ? `event: ${event}\ndata: ${data}\n\n` : `id: ${id}\nevent: ${event}\ndata: ${data}\n\n`;
}

/**
 * How long a client waits before reconnecting, and the id it sends as `Last-Event-ID` then.
 * No event is dispatched (there is no data), but a browser's EventSource takes the id.
 */
export function sseHello(retryMs: number, id: number): string {
  return `retry: ${retryMs}\nid: ${id}\n\n`;
}

/** A comment line: keeps proxies and idle timeouts from closing a quiet stream. */
export const SSE_PING = ': ping\n\n';

/** The headers of an event stream: never cached, never sniffed, never buffered by a proxy. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  // nginx buffers proxied answers unless told not to; an event stream must flow as written.
  'X-Accel-Buffering': 'no',
};
