import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { expectedSpan } from '../../../../testing/expected-spans.js';
import { referenceSpans } from '../../../../testing/reference-spans.js';
import { newAttributes } from '../model/any-value.js';
import type { Span } from '../model/span.js';
import { decodeExportResponseProto, decodeStatusProto } from './decode-response-proto.js';
import { decodeTracesProto } from './decode-traces-proto.js';
import { encodeExportResponseProto, encodeStatusProto } from './encode-response.js';
import { encodeTracesProto } from './encode-traces-proto.js';

const byId = (spans: readonly Span[]) => [...spans].sort((a, b) => a.spanId.localeCompare(b.spanId));

describe('encodeTracesProto, read back by the decoder', () => {
  it('keeps every field and value kind of the OpenTelemetry JS reference spans', () => {
    const spans = referenceSpans(60, 7).map(expectedSpan);
    const decoded = decodeTracesProto(encodeTracesProto(spans));
    expect(decoded.rejectedSpans).toBe(0);
    expect(byId(decoded.spans)).toEqual(byId(spans));
  });

  it('re-encodes what the reference serializer wrote to the same spans', () => {
    const reference = decodeTracesProto(ProtobufTraceSerializer.serializeRequest(referenceSpans(40, 3)) as Uint8Array).spans;
    expect(byId(decodeTracesProto(encodeTracesProto(reference)).spans)).toEqual(byId(reference));
  });

  it('sends a resource and a scope once for the spans that share them', () => {
    const [first] = referenceSpans(1, 1).map(expectedSpan) as [Span];
    const spans = ['a', 'b', 'c'].map((name, i) => ({ ...first, name, spanId: `00000000000000${i + 1}f` }));
    const body = encodeTracesProto(spans);
    const decoded = decodeTracesProto(body).spans;
    expect(decoded.map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(new Set(decoded.map((s) => s.resource)).size).toBe(1);
    expect(new Set(decoded.map((s) => s.scope)).size).toBe(1);
    const once = encodeTracesProto(spans.slice(0, 1)).length;
    expect(body.length).toBeLessThan(3 * once);
  });

  it('writes values at their defaults and at the edges of their types', () => {
    const [first] = referenceSpans(1, 2).map(expectedSpan) as [Span];
    const attributes = newAttributes();
    Object.assign(attributes, {
      empty: '',
      no: false,
      zero: 0n,
      negative: -123456789012n,
      min: -(2n ** 63n),
      max: 2n ** 63n - 1n,
      half: 0.5,
      nan: Number.NaN,
      inf: Number.NEGATIVE_INFINITY,
      unset: null,
      bytes: new Uint8Array([0, 255, 7]),
      list: ['x', 1n, [true, null]],
      nested: Object.assign(newAttributes(), { 'k.v': Object.assign(newAttributes(), { deep: 'é✓' }) }),
    });
    const span: Span = { ...first, attributes, events: [], links: [], status: { code: 0, message: '' }, traceState: '', flags: 0 };
    const [back] = decodeTracesProto(encodeTracesProto([span])).spans;
    expect(back).toEqual(span);
    expect(back?.attributes.nan).toBeNaN();
  });
});

describe('decoding export answers', () => {
  it('reads back a partial success and a status', () => {
    expect(decodeExportResponseProto(new Uint8Array(0))).toEqual({ rejected: 0, message: '' });
    const partial = { rejected: 3, message: 'span 2: end before start' };
    expect(decodeExportResponseProto(encodeExportResponseProto(partial))).toEqual(partial);
    expect(decodeStatusProto(encodeStatusProto(14, 'the store is behind'))).toEqual({ code: 14, message: 'the store is behind' });
  });
});
