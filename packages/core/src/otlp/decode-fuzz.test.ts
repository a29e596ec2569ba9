import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it, vi } from 'vitest';
import { seededRandom } from '../../../../testing/random.js';
import { referenceSpans } from '../../../../testing/reference-spans.js';
import { type AnyValue, kindOf } from '../model/any-value.js';
import type { Span } from '../model/span.js';
import { DecodeError } from './decode-error.js';
import { decodeTracesJson, decodeTracesJsonInSteps } from './decode-traces-json.js';
import { decodeTracesProto } from './decode-traces-proto.js';
import type { DecodedTraces } from './decoded.js';

const ITERATIONS = 4000;
const protoBody = ProtobufTraceSerializer.serializeRequest(referenceSpans(8, 11)) as Uint8Array;
const jsonBody = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(referenceSpans(8, 11)) as Uint8Array);

/** What may come out of a decoder for any input: a refusal, or spans fit to store. */
function assertSound(run: () => DecodedTraces): void {
  let decoded: DecodedTraces;
  try {
    decoded = run();
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    expect(err.message.length).toBeGreaterThan(0);
    return;
  }
  for (const span of decoded.spans) assertStorable(span);
  expect(decoded.rejectedSpans).toBeGreaterThanOrEqual(decoded.rejections.length);
}

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

/** Checked by hand, not with expect(): this runs for every span of thousands of bodies. */
function assertStorable(span: Span): void {
  const fail = (what: string) => {
    throw new Error(`decoder produced an unstorable span (${what}): ${span.spanId}`);
  };
  if (!HEX32.test(span.traceId) || /^0+$/.test(span.traceId)) fail('trace id');
  if (!HEX16.test(span.spanId) || /^0+$/.test(span.spanId)) fail('span id');
  if (span.parentSpanId !== null && !HEX16.test(span.parentSpanId)) fail('parent id');
  if (span.startTimeUnixNano <= 0n || span.endTimeUnixNano < span.startTimeUnixNano) fail('times');
  if (!(span.kind >= 0 && span.kind <= 5)) fail('kind');
  if (!(span.status.code >= 0 && span.status.code <= 2)) fail('status');
  if (typeof span.name !== 'string') fail('name');
  for (const key in span.attributes) assertValue(span.attributes[key] as AnyValue);
  for (const l of span.links) if (!HEX32.test(l.traceId) || !HEX16.test(l.spanId)) fail('link');
}

function assertValue(value: AnyValue): void {
  const kind = kindOf(value);
  if (kind === 'array') for (const v of value as AnyValue[]) assertValue(v);
  if (kind === 'kvlist') for (const k in value as object) assertValue((value as Record<string, AnyValue>)[k] as AnyValue);
}

describe('fuzzing the protobuf decoder', () => {
  it('survives bit flips, byte changes, splices and truncation of a valid body', () => {
    const rand = seededRandom(42);
    for (let i = 0; i < ITERATIONS; i++) {
      const body = Uint8Array.from(protoBody);
      const mutations = 1 + Math.floor(rand() * 4);
      for (let m = 0; m < mutations; m++) {
        const at = Math.floor(rand() * body.length);
        const choice = rand();
        if (choice < 0.5) body[at] = (body[at] as number) ^ (1 << Math.floor(rand() * 8));
        else body[at] = Math.floor(rand() * 256);
      }
      const cut = rand() < 0.3 ? Math.floor(rand() * body.length) : body.length;
      assertSound(() => decodeTracesProto(body.subarray(0, cut)));
    }
  });

  it('survives random bytes', () => {
    const rand = seededRandom(7);
    for (let i = 0; i < ITERATIONS; i++) {
      const body = new Uint8Array(Math.floor(rand() * 400));
      for (let j = 0; j < body.length; j++) body[j] = Math.floor(rand() * 256);
      assertSound(() => decodeTracesProto(body));
    }
  });

  it('refuses values nested deeper than it will recurse', () => {
    // AnyValue{array_value{values: AnyValue{array_value{…}}}} 200 levels deep.
    let inner: Uint8Array = Uint8Array.from([0x0a, 0x00]); // AnyValue{string_value: ""}
    for (let i = 0; i < 200; i++) inner = wrap(0x2a, wrap(0x0a, inner));
    const keyValue = Uint8Array.from([...wrap(0x0a, new TextEncoder().encode('deep')), ...wrap(0x12, inner)]);
    const resource = wrap(0x0a, keyValue);
    const body = wrap(0x0a, wrap(0x0a, resource));
    expect(() => decodeTracesProto(body)).toThrow(/nested deeper/);
  });
});

describe('fuzzing the JSON decoder', () => {
  it('survives character changes and truncation of a valid body', () => {
    const rand = seededRandom(99);
    const alphabet = '{}[]":,0123456789-abcdefABCDEF eE.ntrul\\';
    for (let i = 0; i < ITERATIONS; i++) {
      let text = jsonBody;
      const mutations = 1 + Math.floor(rand() * 4);
      for (let m = 0; m < mutations; m++) {
        const at = Math.floor(rand() * text.length);
        text = text.slice(0, at) + alphabet[Math.floor(rand() * alphabet.length)] + text.slice(at + 1);
      }
      const cut = rand() < 0.3 ? Math.floor(rand() * text.length) : text.length;
      assertSound(() => decodeTracesJson(text.slice(0, cut)));
    }
  });

  it('decodes in steps exactly as in one go, or refuses both ways', async () => {
    const rand = seededRandom(7);
    const alphabet = '{}[]":,0123456789-abcdefABCDEF eE.ntrul\\';
    let accepted = 0;
    let split = 0;
    const parse = vi.spyOn(JSON, 'parse');
    for (let i = 0; i < ITERATIONS / 4; i++) {
      let text = jsonBody;
      const mutations = Math.floor(rand() * 3);
      for (let m = 0; m < mutations; m++) {
        const at = Math.floor(rand() * text.length);
        text = text.slice(0, at) + alphabet[Math.floor(rand() * alphabet.length)] + text.slice(at + 1);
      }
      let whole: DecodedTraces | DecodeError;
      try {
        whole = decodeTracesJson(text);
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
        whole = err;
      }
      parse.mockClear();
      const stepped = await decodeTracesJsonInSteps(text, 3, async () => undefined).catch((err: unknown) => err);
      if (!parse.mock.calls.some(([arg]) => arg === text)) split++;
      if (whole instanceof DecodeError) expect(stepped, text).toBeInstanceOf(DecodeError);
      else {
        expect(stepped, text).toEqual(whole);
        accepted++;
      }
    }
    parse.mockRestore();
    // The comparison covered bodies that decode, not only refusals, and bodies that were split,
    // not only those the splitter handed back whole.
    expect(accepted).toBeGreaterThan(ITERATIONS / 20);
    expect(split).toBeGreaterThan(ITERATIONS / 20);
  });

  it('answers wrong types with the path of the field', () => {
    expect(() => decodeTracesJson('{"resourceSpans": 5}')).toThrow('resourceSpans: expected an array');
    expect(() => decodeTracesJson('{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":7}]}]}]}')).toThrow(
      'resourceSpans[0].scopeSpans[0].spans[0].name: expected a string',
    );
    expect(() => decodeTracesJson('[1,2]')).toThrow('request: expected an object');
    expect(() => decodeTracesJson('{"resourceSpans": [')).toThrow(/not valid JSON/);
  });
});

function wrap(tag: number, payload: Uint8Array): Uint8Array {
  const len: number[] = [];
  let n = payload.length;
  while (n >= 0x80) {
    len.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  len.push(n);
  return Uint8Array.from([tag, ...len, ...payload]);
}
