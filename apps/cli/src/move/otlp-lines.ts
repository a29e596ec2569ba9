/**
 * OTLP/JSON files: one export request per line (what `sightline export` and the OpenTelemetry
 * Collector's file exporter write), or one request in the whole file.
 */

/** Whether a file's text is OTLP/JSON trace requests rather than a Sightline export document. */
export function isOtlpJson(text: string): boolean {
  const start = text.trimStart();
  return start.startsWith('{') && /^\{\s*"resource_?[sS]pans"/.test(start);
}

/** The requests of the file, each as its text: one per non-blank line, or the whole file when it is one pretty-printed request. */
export function otlpRequests(text: string): string[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length > 1 && !lines.every((l) => l.trimStart().startsWith('{') && l.trimEnd().endsWith('}'))) return [text];
  return lines;
}

/**
 * Requests merged into bodies of at most `maxBytes` (a request larger than that goes alone):
 * their `resourceSpans` lists joined, so a file of many small traces needs few requests.
 */
export function mergeRequests(requests: readonly string[], maxBytes: number): string[] {
  const bodies: string[] = [];
  let parts: string[] = [];
  let size = 0;
  const flush = () => {
    if (parts.length) bodies.push(`{"resourceSpans":[${parts.join(',')}]}`);
    parts = [];
    size = 0;
  };
  for (const text of requests) {
    const inner = resourceSpansOf(text);
    if (inner === null) {
      flush();
      bodies.push(text);
      continue;
    }
    if (size + inner.length > maxBytes) flush();
    if (inner.length) parts.push(inner);
    size += inner.length + 1;
  }
  flush();
  return bodies;
}

/** The text inside a request's `resourceSpans` list, or null when the request is not in the compact form `sightline export` writes. */
function resourceSpansOf(text: string): string | null {
  const head = '{"resourceSpans":[';
  const t = text.trim();
  return t.startsWith(head) && t.endsWith(']}') ? t.slice(head.length, -2) : null;
}

/** How many spans a request holds (0 when it is not JSON of that shape). */
export function spansIn(text: string): number {
  try {
    const request = JSON.parse(text) as { resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[] };
    let n = 0;
    for (const rs of request.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) n += ss.spans?.length ?? 0;
    return n;
  } catch {
    return 0;
  }
}
