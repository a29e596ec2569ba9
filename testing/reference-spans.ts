import {
  type HrTime,
  type Link,
  type Attributes as OtelAttributes,
  SpanKind as OtelKind,
  SpanStatusCode,
  TraceFlags,
} from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { randomHex, seededRandom } from './random.js';

/**
 * Builds OpenTelemetry JS `ReadableSpan`s that exercise every field OTLP carries and every
 * AnyValue kind, for feeding the official OTLP serializers (the reference encoder).
 * Attribute values go in as the OTel JS encoder sees them: integral numbers become
 * `int_value`, other numbers `double_value`, objects `kvlist_value`.
 */
export function referenceSpans(count: number, seed = 1): ReadableSpan[] {
  const rand = seededRandom(seed);
  const resources = [
    resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '1.4.2', 'host.cores': 8, 'deployment.canary': false }),
    resourceFromAttributes({ 'service.name': 'llm-gateway', 'cloud.region': 'eu-west-1' }),
  ];
  const scopes = [
    { name: '@example/instrumentation-llm', version: '0.9.1', schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' },
    { name: 'manual', version: '' },
  ];
  const traceId = randomHex(rand, 32);
  const spans: ReadableSpan[] = [];
  for (let i = 0; i < count; i++) {
    const spanId = randomHex(rand, 16);
    const parent = i === 0 ? undefined : spans[Math.floor(rand() * i)]?.spanContext().spanId;
    const startNs = 1_700_000_000_000_000_000n + BigInt(i) * 1_000_123n + BigInt(Math.floor(rand() * 999));
    const endNs = startNs + BigInt(Math.floor(rand() * 5_000_000_000));
    const events: TimedEvent[] =
      i % 3 === 0
        ? [
            {
              name: 'gen_ai.content.prompt',
              time: hr(startNs + 10n),
              attributes: { 'gen_ai.prompt': `[{"role":"user","content":"q${i}"}]` },
              droppedAttributesCount: 0,
            },
            {
              name: 'exception',
              time: hr(startNs + 20n),
              attributes: { 'exception.type': 'RateLimitError', 'exception.escaped': true },
              droppedAttributesCount: 2,
            },
          ]
        : [];
    const links: Link[] =
      i % 4 === 1
        ? [
            {
              context: {
                traceId: randomHex(rand, 32),
                spanId: randomHex(rand, 16),
                traceFlags: TraceFlags.SAMPLED,
                isRemote: true,
                traceState: new TraceState('vendor=abc'),
              },
              attributes: { 'link.reason': 'retry-of', 'link.attempt': 2 },
              droppedAttributesCount: 1,
            },
          ]
        : [];
    spans.push({
      name: i === 0 ? 'agent.run' : `chat gpt-4o-mini ${i}`,
      kind: [OtelKind.INTERNAL, OtelKind.SERVER, OtelKind.CLIENT, OtelKind.PRODUCER, OtelKind.CONSUMER][i % 5] as OtelKind,
      spanContext: () => ({
        traceId,
        spanId,
        traceFlags: i % 2 === 0 ? TraceFlags.SAMPLED : TraceFlags.NONE,
        traceState: i % 2 === 0 ? new TraceState('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE') : undefined,
      }),
      parentSpanContext: parent ? { traceId, spanId: parent, traceFlags: TraceFlags.SAMPLED, isRemote: i % 7 === 3 } : undefined,
      startTime: hr(startNs),
      endTime: hr(endNs),
      status:
        i % 5 === 4
          ? { code: SpanStatusCode.ERROR, message: 'upstream returned 429 — "rate limited"' }
          : { code: i % 2 === 0 ? SpanStatusCode.OK : SpanStatusCode.UNSET },
      attributes: attributesFor(i, rand),
      links,
      events,
      duration: hr(endNs - startNs),
      ended: true,
      resource: resources[i % 2] as (typeof resources)[number],
      instrumentationScope: scopes[i % 2] as (typeof scopes)[number],
      droppedAttributesCount: i % 6,
      droppedEventsCount: i % 3 === 0 ? 1 : 0,
      droppedLinksCount: i % 4,
    });
  }
  return spans;
}

function hr(ns: bigint): HrTime {
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

function attributesFor(i: number, rand: () => number): OtelAttributes {
  const attrs: Record<string, unknown> = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.request.temperature': 0.2 + i / 1000,
    'gen_ai.usage.input_tokens': 24 + i,
    'gen_ai.usage.negative_delta': -5 - i,
    'big.int': Number.MAX_SAFE_INTEGER - i,
    'gen_ai.request.stream': i % 2 === 0,
    'gen_ai.response.finish_reasons': ['stop', 'length'],
    'numbers.mixed': [1, 2.5, -3],
    'flags.bools': [true, false],
    'payload.bytes': Uint8Array.from([0, 1, 2, 250, 255, i & 0xff]),
    'payload.empty_bytes': new Uint8Array(0),
    'nested.kvlist': { model: 'gpt-4o', params: { temperature: 0.7, top_k: 40, stop: ['\n', '###'] }, tags: [] },
    'text.unicode': `héllo 世界 🚀 \u0000 "quoted" <b>bold</b> ${'x'.repeat(Math.floor(rand() * 40))}`,
    'text.empty': '',
    ['__proto__']: 'not a prototype',
    'array.of.kvlists': [{ a: 1 }, { b: 'two' }],
  };
  return attrs as OtelAttributes;
}
