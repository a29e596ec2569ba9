import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it, vi } from 'vitest';
import { expectedSpan } from '../../../../testing/expected-spans.js';
import { referenceSpans } from '../../../../testing/reference-spans.js';
import { DecodeError } from './decode-error.js';
import { decodeTracesJson, decodeTracesJsonInSteps } from './decode-traces-json.js';
import { decodeTracesProto, decodeTracesProtoInSteps } from './decode-traces-proto.js';

const spans = referenceSpans(60, 7);

describe('decoding against the OpenTelemetry JS reference encoder', () => {
  it('decodes every field and value kind from ProtobufTraceSerializer', () => {
    const body = ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array;
    const decoded = decodeTracesProto(body);
    expect(decoded.rejectedSpans).toBe(0);
    expect(sortById(decoded.spans)).toEqual(sortById(spans.map(expectedSpan)));
  });

  it('decodes every field and value kind from JsonTraceSerializer', () => {
    const body = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans) as Uint8Array);
    const decoded = decodeTracesJson(body);
    expect(decoded.rejectedSpans).toBe(0);
    expect(sortById(decoded.spans)).toEqual(sortById(spans.map(expectedSpan)));
  });

  it('decodes the same in steps, pausing after every few spans, across resources and scopes', async () => {
    const body = ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array;
    let pauses = 0;
    const decoded = await decodeTracesProtoInSteps(body, 7, async () => {
      pauses++;
    });
    expect(pauses).toBe(Math.floor(60 / 7));
    expect(decoded).toEqual(decodeTracesProto(body));
    // Malformed protobuf is refused in steps too.
    await expect(decodeTracesProtoInSteps(body.subarray(0, body.length - 3), 7, async () => undefined)).rejects.toThrow(DecodeError);
  });

  it('decodes OTLP/JSON the same in steps', async () => {
    const body = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans) as Uint8Array);
    let pauses = 0;
    const decoded = await decodeTracesJsonInSteps(body, 7, async () => {
      pauses++;
    });
    expect(pauses).toBe(Math.floor(60 / 7));
    expect(decoded).toEqual(decodeTracesJson(body));
    await expect(decodeTracesJsonInSteps(body.slice(0, -3), 7, async () => undefined)).rejects.toThrow(DecodeError);
  });

  it('parses a large OTLP/JSON request in pieces, none of them the whole body', async () => {
    const many = referenceSpans(3000, 8);
    const body = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(many) as Uint8Array);
    const parse = vi.spyOn(JSON, 'parse');
    let decoded: Awaited<ReturnType<typeof decodeTracesJsonInSteps>>;
    let parsedLengths: number[];
    try {
      decoded = await decodeTracesJsonInSteps(body, 500, async () => undefined);
      parsedLengths = parse.mock.calls.map(([text]) => String(text).length);
    } finally {
      parse.mockRestore();
    }
    expect(Math.max(...parsedLengths)).toBeLessThan(body.length / 4);
    // Every span was parsed once: the pieces add up to the body.
    expect(parsedLengths.reduce((a, b) => a + b, 0)).toBeGreaterThan(body.length * 0.95);
    expect(decoded).toEqual(decodeTracesJson(body));
    expect(decoded.spans).toHaveLength(3000);
  });

  it('decodes hand-made OTLP/JSON shapes the same in steps as in one go', async () => {
    const span = (id: string, name: string) =>
      `{"traceId":"${'a'.repeat(31)}1","spanId":"${id}","name":${JSON.stringify(name)},"startTimeUnixNano":"1","endTimeUnixNano":"2"}`;
    const scope = (spans: string) => `{"scope":{"name":"s"},"spans":${spans}}`;
    const bodies = [
      // Strings with brackets, escaped quotes and backslashes, in names and attributes.
      `{"resourceSpans":[{"resource":{"attributes":[{"key":"x","value":{"stringValue":"]}{[\\"\\\\"}}]},"scopeSpans":[${scope(`[${span('1'.repeat(16), '[{"}\\"')},${span('2'.repeat(16), 'b')}]`)}]}]}`,
      // Several resources and scopes, empty ones between, snake_case names.
      `{"resource_spans":[{},{"scope_spans":[${scope('[]')},{},${scope(`[${span('3'.repeat(16), 'c')}]`)}]},null]}`,
      // A key with an escape, keys given twice, both spellings: parsed whole, as JSON.parse reads them.
      `{"resourceSpans":[{"scopeSpans":[{"sp\u0061ns":[${span('4'.repeat(16), 'd')}]}]}]}`,
      `{"resourceSpans":[{"scopeSpans":[{"spans":[${span('5'.repeat(16), 'e')}],"spans":[${span('6'.repeat(16), 'f')}]}]}]}`,
      `{"resourceSpans":[{"scopeSpans":[${scope('[]')}],"scope_spans":[${scope(`[${span('7'.repeat(16), 'g')}]`)}]}]}`,
      // An empty item, an item of the wrong type, spans that are not an array.
      `{"resourceSpans":[{"scopeSpans":[${scope(`[null,${span('8'.repeat(16), 'h')}]`)}]}]}`,
      `{"resourceSpans":[{"scopeSpans":[${scope(`[${span('b'.repeat(16), 'k')},"x"]`)}]}]}`,
      `{"resourceSpans":[{"scopeSpans":[${scope('{"a":1}')}]}]}`,
      ` \n {"resourceSpans" : [ { "scopeSpans" : [ ${scope(`[ ${span('9'.repeat(16), 'i')} , ${span('a'.repeat(16), 'j')} ]`)} ] } ] } \n`,
    ];
    let spansDecoded = 0;
    for (const body of bodies) {
      const whole = (() => {
        try {
          return decodeTracesJson(body);
        } catch (err) {
          return err as Error;
        }
      })();
      const stepped = await decodeTracesJsonInSteps(body, 1, async () => undefined).catch((err: Error) => err);
      if (whole instanceof Error) expect(String(stepped), body).toBe(String(whole));
      else {
        expect(stepped, body).toEqual(whole);
        spansDecoded += whole.spans.length;
      }
    }
    expect(spansDecoded).toBe(8);
  });

  it('keeps the int/double distinction, negative and large ints, and non-finite doubles', () => {
    const special = referenceSpans(1, 3).map((s) => ({
      ...s,
      attributes: { int: 7, neg: -123456789012, max: Number.MAX_SAFE_INTEGER, dbl: 7.5, nan: Number.NaN, inf: Number.POSITIVE_INFINITY },
    }));
    const [span] = decodeTracesProto(ProtobufTraceSerializer.serializeRequest(special) as Uint8Array).spans;
    expect(span?.attributes.int).toBe(7n);
    expect(span?.attributes.neg).toBe(-123456789012n);
    expect(span?.attributes.max).toBe(9007199254740991n);
    expect(span?.attributes.dbl).toBe(7.5);
    expect(span?.attributes.nan).toBeNaN();
    expect(span?.attributes.inf).toBe(Number.POSITIVE_INFINITY);
  });

  it('shares one resource and one scope object between the spans that came with them', () => {
    const decoded = decodeTracesProto(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array);
    const resources = new Set(decoded.spans.map((s) => s.resource));
    expect(resources.size).toBe(2);
  });

  it('gives the spans of repeated identical scope messages one scope, and keeps differing scopes apart', () => {
    // An SDK that makes a tracer per call sends a scope message per span (the serializer groups by scope object).
    const scopeOf = (i: number) =>
      i % 3 === 2 ? { name: 'tools', version: '2.0.0' } : { name: '@example/instrumentation-llm', version: i === 4 ? '1.0.1' : '1.0.0' };
    const perCall = referenceSpans(9, 4).map((s, i) => ({ ...s, instrumentationScope: scopeOf(i) }));
    const proto = decodeTracesProto(ProtobufTraceSerializer.serializeRequest(perCall) as Uint8Array).spans;
    const json = decodeTracesJson(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(perCall) as Uint8Array)).spans;
    for (const decoded of [proto, json]) {
      const byId = new Map(decoded.map((s) => [s.spanId, s.scope]));
      const scopes = perCall.map((s) => byId.get(s.spanContext().spanId));
      expect(scopes.map((s) => `${s?.name}@${s?.version}`)).toEqual(
        perCall.map((s) => `${s.instrumentationScope.name}@${s.instrumentationScope.version}`),
      );
      expect(new Set(scopes).size).toBe(3);
      expect(scopes[0]).toBe(scopes[1]);
      expect(scopes[2]).toBe(scopes[5]);
      expect(scopes[4]).not.toBe(scopes[0]);
    }
  });

  it('keeps attribute keys such as __proto__ as plain data', () => {
    const [span] = decodeTracesProto(ProtobufTraceSerializer.serializeRequest(spans.slice(0, 1)) as Uint8Array).spans;
    expect(Object.getOwnPropertyDescriptor(span?.attributes, '__proto__')?.value).toBe('not a prototype');
    // Nothing is inherited: no Object.prototype behind the map.
    expect('toString' in (span?.attributes ?? {})).toBe(false);
    expect('hasOwnProperty' in (span?.attributes ?? {})).toBe(false);
  });
});

describe('invalid UTF-8 in protobuf strings', () => {
  /** Rewrites, in each encoded string `text`, its `#` to `bytes` (same length: no length prefix changes). */
  function spoil(body: Uint8Array, text: string, bytes: number[]): void {
    const needle = new TextEncoder().encode(text);
    const at = Buffer.from(body.buffer, body.byteOffset, body.byteLength).indexOf(needle);
    expect(at, text).toBeGreaterThanOrEqual(0);
    body.set(bytes, at + needle.indexOf(0x23));
  }

  const named = (span: (typeof spans)[number], name: string, attributes: Record<string, string | number>) =>
    Object.assign(Object.create(Object.getPrototypeOf(span)), span, { name, attributes: { ...span.attributes, ...attributes } });

  it('replaces each bad sequence with U+FFFD, as OTLP/JSON does, and keeps every span', () => {
    const marked = spans.slice(0, 6).map((s, i) => (i === 2 ? named(s, 'chat #', { 'gen_ai.prompt': 'héllo # wörld', 'ke#y': 1 }) : s));
    const body = (ProtobufTraceSerializer.serializeRequest(marked) as Uint8Array).slice();
    spoil(body, 'chat #', [0xff]);
    spoil(body, 'héllo # wörld', [0xc3]); // a lead byte followed by a space: a sequence cut short
    spoil(body, 'ke#y', [0x80]); // a lone continuation byte, in an attribute key
    const decoded = decodeTracesProto(body);
    expect(decoded.rejectedSpans).toBe(0);
    expect(decoded.spans).toHaveLength(6);
    const bad = decoded.spans.find((s) => s.spanId === marked[2]?.spanContext().spanId);
    expect(bad?.name).toBe('chat \uFFFD');
    expect(bad?.attributes['gen_ai.prompt']).toBe('héllo \uFFFD wörld');
    expect(bad?.attributes['ke\uFFFDy']).toBe(1n);
    // The rule OTLP/JSON bodies get, decoded to text as the server does (Buffer#toString).
    expect(Buffer.from([0x63, 0x68, 0x61, 0x74, 0x20, 0xff]).toString('utf8')).toBe(bad?.name);
    const others = decoded.spans.filter((s) => s !== bad);
    expect(sortById(others)).toEqual(sortById(marked.filter((_, i) => i !== 2).map(expectedSpan)));
  });

  it('replaces them in long strings too (past the short-ASCII fast path)', () => {
    const long = 'x'.repeat(40);
    const body = (
      ProtobufTraceSerializer.serializeRequest([named(spans[0] as (typeof spans)[number], `${long}#`, {})]) as Uint8Array
    ).slice();
    spoil(body, `${long}#`, [0xe2]);
    expect(decodeTracesProto(body).spans[0]?.name).toBe(`${long}\uFFFD`);
  });
});

describe('malformed protobuf', () => {
  const body = ProtobufTraceSerializer.serializeRequest(spans.slice(0, 5)) as Uint8Array;

  it('refuses every truncation of a valid body, or decodes only whole spans', () => {
    for (let cut = 1; cut < body.length; cut++) {
      let result: ReturnType<typeof decodeTracesProto> | undefined;
      try {
        result = decodeTracesProto(body.subarray(0, cut));
      } catch (err) {
        expect(err).toBeInstanceOf(DecodeError);
        continue;
      }
      // A cut that lands on a message boundary is a valid, shorter request.
      for (const s of result.spans) expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it('names the problem', () => {
    expect(() => decodeTracesProto(Uint8Array.from([0x0a, 0xff, 0x01]))).toThrow(/length exceeds/);
    expect(() => decodeTracesProto(Uint8Array.from([0x0b]))).toThrow(/wire type 3/);
    expect(() => decodeTracesProto(Uint8Array.from([0x08, 0x80]))).toThrow(/truncated varint/);
    // 2^32 + 1 is not read as 1 (its low 32 bits).
    expect(() => decodeTracesProto(Uint8Array.from([0x0a, 0x81, 0x80, 0x80, 0x80, 0x10, 0x00]))).toThrow(/length exceeds 2\^31/);
  });

  it('accepts an empty body as an empty request', () => {
    expect(decodeTracesProto(new Uint8Array(0))).toEqual({ spans: [], rejectedSpans: 0, rejections: [] });
  });
});

function sortById<T extends { spanId: string }>(list: T[]): T[] {
  return [...list].sort((a, b) => a.spanId.localeCompare(b.spanId));
}
