import { SpanKind, TraceFlags } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

const RESOURCE = resourceFromAttributes({ 'service.name': 'agent-runner' });
const hr = (ns: bigint): [number, number] => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
export const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** Plain spans with the given ids and parents, as the OTel JS SDK would export them, an hour ago. */
export function plainSpans(
  count: number,
  ids: (i: number) => { traceId: string; spanId: string; parentSpanId?: string },
  llmEvery = 0,
): ReadableSpan[] {
  const now = BigInt(Date.now() - 3_600_000) * 1_000_000n;
  return Array.from({ length: count }, (_, i) => {
    const { traceId, spanId, parentSpanId } = ids(i);
    const start = now + BigInt(i) * 1_000n;
    const isCall = llmEvery > 0 && i % llmEvery === 1;
    return {
      name: isCall ? 'chat gpt-4o-mini' : `step ${i % 50}`,
      kind: isCall ? SpanKind.CLIENT : SpanKind.INTERNAL,
      spanContext: () => ({ traceId, spanId, traceFlags: TraceFlags.SAMPLED }),
      parentSpanContext: parentSpanId ? { traceId, spanId: parentSpanId, traceFlags: TraceFlags.SAMPLED } : undefined,
      startTime: hr(start),
      endTime: hr(start + 500_000n),
      status: { code: i % 997 === 5 ? 2 : 0 },
      attributes: isCall
        ? {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.usage.input_tokens': 100 + (i % 50),
            'gen_ai.usage.output_tokens': 20,
          }
        : { 'step.index': i, 'step.note': 'a short note about this step of the run' },
      links: [],
      events: [],
      duration: [0, 500_000],
      ended: true,
      resource: RESOURCE,
      instrumentationScope: { name: 'bench' },
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    } as unknown as ReadableSpan;
  });
}

export const encodeSpans = (spans: ReadableSpan[]) => Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array);

/**
 * One trace of `count` spans — a tree ten wide at each level, every `llmEvery`-th span an LLM
 * call — as OTLP/HTTP protobuf bodies of 10,000 spans each (ids from `seed`).
 */
export function* bigTraceBodies(traceId: string, count: number, llmEvery = 0, seed = 0): Generator<Buffer> {
  for (let part = 0; part * 10_000 < count; part++) {
    const size = Math.min(10_000, count - part * 10_000);
    yield encodeSpans(
      plainSpans(
        size,
        (i) => {
          const n = part * 10_000 + i;
          return {
            traceId,
            spanId: hex(seed + n + 1, 16),
            parentSpanId: n === 0 ? undefined : hex(seed + Math.floor((n - 1) / 10) + 1, 16),
          };
        },
        llmEvery,
      ),
    );
  }
}
