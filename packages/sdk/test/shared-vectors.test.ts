import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { init, type Sightline } from '../src/index.js';

/**
 * The vectors both SDKs share (testing/sdk-vectors): each call made through the official client
 * with the provider's response served in process, and the span compared with the one the file
 * says both SDKs record. `SIGHTLINE_WRITE_VECTORS=1` fills in `span` for a new vector that has
 * none (an existing one is never rewritten).
 */
const DIR = join(import.meta.dirname, '../../../testing/sdk-vectors');
const BASE = 'http://vectors.test';

interface Vector {
  description: string;
  client: 'openai' | 'anthropic' | 'gemini';
  call: string;
  request: Record<string, unknown>;
  response: { status?: number; json?: unknown; sse?: { event?: string; data: unknown }[] };
  span?: SpanView;
}

interface SpanView {
  name: string;
  kind: string;
  status: string;
  events: string[];
  ttft: boolean;
  attributes: Record<string, unknown>;
  messages: Record<string, unknown>;
}

const MESSAGE_KEYS = ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions'];
const TTFT = 'gen_ai.response.time_to_first_chunk';

/** A span as the vectors give it: labels left out (they name this machine), measured time only as present or not. */
function view(span: ReadableSpan): SpanView {
  const attributes: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    if (key.startsWith('sightline.label.') || key === TTFT) continue;
    if (MESSAGE_KEYS.includes(key)) messages[key] = JSON.parse(String(value));
    else attributes[key] = value;
  }
  return {
    name: span.name,
    kind: SpanKind[span.kind].toLowerCase(),
    status: SpanStatusCode[span.status.code].toLowerCase(),
    events: span.events.map((e) => e.name),
    ttft: TTFT in span.attributes,
    attributes,
    messages,
  };
}

/** The vector's response, as the provider would send it. */
function respond(v: Vector): Response {
  const status = v.response.status ?? 200;
  if (v.response.sse) {
    const body = v.response.sse
      .map((e) => `${e.event ? `event: ${e.event}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`)
      .join('');
    return new Response(body, { status, headers: { 'content-type': 'text/event-stream' } });
  }
  return new Response(JSON.stringify(v.response.json), { status, headers: { 'content-type': 'application/json' } });
}

async function drain(result: unknown): Promise<void> {
  if (result && typeof result === 'object' && Symbol.asyncIterator in result) for await (const _ of result as AsyncIterable<unknown>);
}

/** Makes the vector's call through the official client; the provider's errors are the app's, not the test's. */
async function call(v: Vector): Promise<void> {
  const fetch = async () => respond(v);
  const r = v.request as never;
  try {
    if (v.client === 'openai') {
      const client = new OpenAI({ apiKey: 'k', baseURL: `${BASE}/v1`, fetch, maxRetries: 0 });
      const method = { chat: client.chat.completions, responses: client.responses, embeddings: client.embeddings }[v.call];
      await drain(await (method as { create(body: never): Promise<unknown> }).create(r));
    } else if (v.client === 'anthropic') {
      await drain(await new Anthropic({ apiKey: 'k', baseURL: BASE, fetch, maxRetries: 0 }).messages.create(r));
    } else {
      const ai = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: BASE } });
      const original = globalThis.fetch;
      globalThis.fetch = fetch;
      try {
        if (v.call === 'generate_content') await ai.models.generateContent(r);
        else if (v.call === 'generate_content_stream') await drain(await ai.models.generateContentStream(r));
        else await ai.models.embedContent(r);
      } finally {
        globalThis.fetch = original;
      }
    }
  } catch (err) {
    if ((v.response.status ?? 200) < 400) throw err;
  }
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
let sdk: Sightline;
beforeAll(async () => {
  sdk = init({ exporter: 'memory', captureContent: true });
  await sdk.ready;
});
afterAll(() => sdk.shutdown());
beforeEach(() => sdk.memory?.clear());

describe('shared SDK vectors', () => {
  it('has vectors for every provider', () => {
    const clients = new Set(files.map((f) => (JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Vector).client));
    expect([...clients].sort()).toEqual(['anthropic', 'gemini', 'openai']);
  });

  for (const file of files) {
    it(file, async () => {
      const path = join(DIR, file);
      const vector = JSON.parse(readFileSync(path, 'utf8')) as Vector;
      await call(vector);
      const ours = (sdk.memory?.spans ?? []).filter((s) => s.instrumentationScope.name === '@sightline/sdk');
      expect(ours).toHaveLength(1);
      const seen = view(ours[0] as ReadableSpan);
      if (!vector.span && process.env.SIGHTLINE_WRITE_VECTORS === '1') {
        writeFileSync(path, `${JSON.stringify({ ...vector, span: seen }, null, 2)}\n`);
        return;
      }
      expect(vector.span, `${file} has no expected span (SIGHTLINE_WRITE_VECTORS=1 writes it)`).toBeDefined();
      expect(seen).toEqual(vector.span);
    });
  }
});
