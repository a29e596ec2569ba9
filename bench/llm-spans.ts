import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { seededRandom } from '../testing/random.js';

/** Trace and span ids in a template start with these 4 bytes; each request overwrites them. */
const TRACE_MARK = 'a1b2c3d5';
const SPAN_MARK = 'a1b2c3d4';

const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4-5', 'gemini-2.5-flash', 'llama-3.3-70b'];
const SERVICES = ['support-bot', 'search-api', 'summarizer', 'agent-runner'];
const WORDS =
  'the model answered with a concise summary of the quarterly report including revenue growth churn and outlook for next year'.split(' ');

/**
 * A request of realistic LLM spans: traces of 8 spans (an agent root, chat calls with
 * ~1 KB of prompt and completion text and GenAI attributes, a tool call), 512 spans in all.
 * Longer traces (`spansPerTrace`, an agent's long run) repeat six chat calls and a tool call
 * under the one root.
 */
export function templateSpans(spansPerRequest = 512, seed = 1, spansPerTrace = 8): ReadableSpan[] {
  const rand = seededRandom(seed);
  const text = (words: number) => Array.from({ length: words }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
  const spans: ReadableSpan[] = [];
  // Requests start four weeks ago and step 14 minutes apart, or as their run needs (see `stepFor`).
  const base = BigInt(Date.now() - 28 * 86_400_000) * 1_000_000n;
  const traces = Math.ceil(spansPerRequest / spansPerTrace);
  // One resource per service, as an SDK sends: the request carries four ResourceSpans.
  const resources = SERVICES.map((service) =>
    resourceFromAttributes({
      'service.name': service,
      'service.version': '1.8.0',
      'deployment.environment': 'prod',
      'host.name': `${service}-7f9c`,
    }),
  );
  for (let t = 0; t < traces && spans.length < spansPerRequest; t++) {
    const traceId = TRACE_MARK + t.toString(16).padStart(24, '0');
    const resource = resources[t % resources.length] as (typeof resources)[number];
    const start = base + BigInt(t) * 50_000_000n;
    const rootId = SPAN_MARK + (t * spansPerTrace).toString(16).padStart(8, '0');
    for (let i = 0; i < spansPerTrace && spans.length < spansPerRequest; i++) {
      const spanId = i === 0 ? rootId : SPAN_MARK + (t * spansPerTrace + i).toString(16).padStart(8, '0');
      const model = MODELS[(t + i) % MODELS.length] as string;
      const isChat = i > 0 && i % 8 !== 7;
      const s = start + BigInt(i) * 2_000_000n;
      const e =
        i === 0
          ? start + BigInt(spansPerTrace) * 2_000_000n + 2_000_000_000n
          : s + BigInt(isChat ? 300_000_000 + Math.floor(rand() * 1_500_000_000) : 20_000_000);
      spans.push({
        name: i === 0 ? 'agent.run' : isChat ? `chat ${model}` : 'execute_tool search',
        kind: i === 0 ? SpanKind.SERVER : isChat ? SpanKind.CLIENT : SpanKind.INTERNAL,
        spanContext: () => ({ traceId, spanId, traceFlags: TraceFlags.SAMPLED }),
        parentSpanContext: i === 0 ? undefined : { traceId, spanId: rootId, traceFlags: TraceFlags.SAMPLED },
        startTime: hr(s),
        endTime: hr(e),
        status: { code: rand() < 0.03 ? SpanStatusCode.ERROR : SpanStatusCode.UNSET },
        attributes: isChat
          ? {
              'gen_ai.operation.name': 'chat',
              'gen_ai.provider.name': 'openai',
              'gen_ai.request.model': model,
              'gen_ai.response.model': `${model}-2025-01-01`,
              'gen_ai.request.temperature': 0.2,
              'gen_ai.request.max_tokens': 1024,
              'gen_ai.usage.input_tokens': 200 + Math.floor(rand() * 3000),
              'gen_ai.usage.output_tokens': 20 + Math.floor(rand() * 500),
              'gen_ai.response.finish_reasons': ['stop'],
              'gen_ai.response.id': `chatcmpl-${t}-${i}`,
              'gen_ai.conversation.id': `conv-${t % 97}`,
              'user.id': `user-${t % 31}`,
              'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: text(80) }] }]),
              'gen_ai.output.messages': JSON.stringify([
                { role: 'assistant', parts: [{ type: 'text', content: text(40) }], finish_reason: 'stop' },
              ]),
            }
          : i === 0
            ? { 'session.id': `conv-${t % 97}`, 'user.id': `user-${t % 31}`, 'http.route': '/v1/agent' }
            : { 'gen_ai.tool.name': 'search', 'gen_ai.tool.call.arguments': `{"q":"${text(6)}"}` },
        links: [],
        events: [],
        duration: hr(e - s),
        ended: true,
        resource,
        instrumentationScope: { name: '@example/llm-instrumentation', version: '0.4.0' },
        droppedAttributesCount: 0,
        droppedEventsCount: 0,
        droppedLinksCount: 0,
      });
    }
  }
  return spans;
}

function hr(ns: bigint): [number, number] {
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

/** Every start and end time in the spans, in ns. */
function timesOf(spans: ReadableSpan[]): bigint[] {
  const set = new Set<bigint>();
  for (const s of spans) for (const [sec, ns] of [s.startTime, s.endTime]) set.add(BigInt(sec) * 1_000_000_000n + BigInt(ns));
  return [...set];
}

/** Each request moves its spans this much later than the previous one, unless a template is told how many requests its run sends. */
const STEP_NS = 14n * 60_000_000_000n;

/** A run's requests are spread over the four weeks before it started (the template's first times). */
const SPREAD_NS = 28n * 86_400_000_000_000n;

/**
 * The step between requests: {@link STEP_NS}, or, for a run of `requests` in all, the step that
 * spreads them over four weeks, so that the newest data is about now, as in a real store (data
 * stamped in the future stays in hour rollups: days fold once the clock has passed them).
 */
function stepFor(requests: number | undefined): bigint {
  return requests === undefined ? STEP_NS : SPREAD_NS / BigInt(Math.max(1, Math.ceil(requests)));
}

/** A request body whose ids are made unique per request by overwriting their 4-byte marks. */
export interface Template {
  readonly spans: number;
  readonly bytes: number;
  /** The body of request number `n` (distinct ids for every n). */
  body(n: number): Buffer;
}

export function protobufTemplate(spans: ReadableSpan[], requests?: number): Template {
  const step = stepFor(requests);
  const encoded = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array);
  const offsets = [...findAll(encoded, Buffer.from(TRACE_MARK, 'hex')), ...findAll(encoded, Buffer.from(SPAN_MARK, 'hex'))];
  const times: [number, bigint][] = [];
  for (const t of timesOf(spans)) {
    const le = Buffer.alloc(8);
    le.writeBigUInt64LE(t);
    // Only where a start (tag 0x39) or end (tag 0x41) time field holds it.
    for (const at of findAll(encoded, le)) if (encoded[at - 1] === 0x39 || encoded[at - 1] === 0x41) times.push([at, t]);
  }
  return {
    spans: spans.length,
    bytes: encoded.length,
    body(n) {
      const out = Buffer.from(encoded);
      for (const at of offsets) out.writeUInt32BE(n >>> 0, at);
      for (const [at, t] of times) out.writeBigUInt64LE(t + BigInt(n) * step, at);
      return out;
    },
  };
}

export function jsonTemplate(spans: ReadableSpan[], requests?: number): Template {
  const step = stepFor(requests);
  const encoded = Buffer.from(JsonTraceSerializer.serializeRequest(spans) as Uint8Array);
  const offsets = [...findAll(encoded, Buffer.from(TRACE_MARK)), ...findAll(encoded, Buffer.from(SPAN_MARK))];
  const times: [number, bigint][] = [];
  for (const t of timesOf(spans)) for (const at of findAll(encoded, Buffer.from(`"${t}"`))) times.push([at + 1, t]);
  return {
    spans: spans.length,
    bytes: encoded.length,
    body(n) {
      const out = Buffer.from(encoded);
      const hex = (n >>> 0).toString(16).padStart(8, '0');
      for (const at of offsets) out.write(hex, at, 'latin1');
      for (const [at, t] of times) out.write(String(t + BigInt(n) * step), at, 'latin1');
      return out;
    },
  };
}

function findAll(haystack: Buffer, needle: Buffer): number[] {
  const out: number[] = [];
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) out.push(at);
  return out;
}
