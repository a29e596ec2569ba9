/**
 * Splits an export document too large for one request into smaller documents of whole traces
 * (a trace is never split, so the server sees each one entire), each under `maxBytes` of JSON
 * unless a single trace is larger. Pure.
 */
export function splitDocument(doc: Record<string, unknown>, maxBytes: number): Record<string, unknown>[] {
  const spans = Array.isArray(doc.spans) ? (doc.spans as unknown[]) : [];
  const { spans: _spans, sessions: _sessions, traces: _traces, ...head } = doc;
  const headBytes = Buffer.byteLength(JSON.stringify({ ...head, spans: [] }));
  const byTrace = new Map<unknown, { spans: unknown[]; bytes: number }>();
  for (const span of spans) {
    const id = (span as { trace_id?: unknown } | null)?.trace_id;
    let trace = byTrace.get(id);
    if (!trace) byTrace.set(id, (trace = { spans: [], bytes: 0 }));
    trace.spans.push(span);
    trace.bytes += Buffer.byteLength(JSON.stringify(span) ?? 'null') + 1;
  }
  const batches: Record<string, unknown>[] = [];
  let batch: unknown[] = [];
  let bytes = headBytes;
  for (const trace of byTrace.values()) {
    if (batch.length && bytes + trace.bytes > maxBytes) {
      batches.push({ ...head, spans: batch });
      batch = [];
      bytes = headBytes;
    }
    batch.push(...trace.spans);
    bytes += trace.bytes;
  }
  if (batch.length || batches.length === 0) batches.push({ ...head, spans: batch });
  return batches;
}
