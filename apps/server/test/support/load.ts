import { randomBytes } from 'node:crypto';

/** An OTLP/JSON body with one new trace of `spans` spans, each with ~1 KB of attributes. */
export function traceBody(spans: number): { traceId: string; body: string } {
  const traceId = randomBytes(16).toString('hex');
  const now = BigInt(Date.now()) * 1_000_000n;
  const list = Array.from({ length: spans }, (_, i) => ({
    traceId,
    spanId: randomBytes(8).toString('hex'),
    name: `chat ${i}`,
    kind: 3,
    startTimeUnixNano: String(now + BigInt(i)),
    endTimeUnixNano: String(now + BigInt(i) + 1_000_000n),
    attributes: [
      { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
      { key: 'gen_ai.prompt', value: { stringValue: 'Tell me about durable storage. '.repeat(30) } },
      { key: 'gen_ai.usage.input_tokens', value: { intValue: String(100 + i) } },
    ],
  }));
  return {
    traceId,
    body: JSON.stringify({
      resourceSpans: [
        { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'load' } }] }, scopeSpans: [{ spans: list }] },
      ],
    }),
  };
}

/**
 * Sends traces from `concurrency` loops until `stop()` returns true; returns the trace ids
 * whose export was acknowledged (HTTP 200) and how many requests failed.
 */
export async function sendUntil(url: string, spansPerTrace: number, concurrency: number, stop: (acked: number) => boolean) {
  const acked: string[] = [];
  let failed = 0;
  const loop = async () => {
    while (!stop(acked.length)) {
      const { traceId, body } = traceBody(spansPerTrace);
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
        if (res.status === 200) acked.push(traceId);
        else failed++;
        await res.arrayBuffer();
      } catch {
        failed++;
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { acked, failed };
}
