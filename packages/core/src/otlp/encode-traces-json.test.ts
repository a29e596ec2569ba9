import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { referenceSpans } from '../../../../testing/reference-spans.js';
import { newAttributes } from '../model/any-value.js';
import type { Span } from '../model/span.js';
import { decodeTracesJson } from './decode-traces-json.js';
import { decodeTracesProto } from './decode-traces-proto.js';
import { encodeTracesJson } from './encode-traces-json.js';

describe('encoding spans as OTLP/JSON', () => {
  it('gives back, decoded, exactly the spans it was given: every field and value type', () => {
    const spans = decodeTracesProto(ProtobufTraceSerializer.serializeRequest(referenceSpans(8, 11)) as Uint8Array).spans;
    expect(spans.length).toBe(8);
    const decoded = decodeTracesJson(JSON.stringify(encodeTracesJson(spans)));
    expect(decoded.rejectedSpans).toBe(0);
    expect(decoded.spans).toEqual(spans);
  });

  it('keeps integers apart from doubles, bytes, nested values and empty ones', () => {
    const [span] = decodeTracesProto(ProtobufTraceSerializer.serializeRequest(referenceSpans(1, 3)) as Uint8Array).spans as Span[];
    const attributes = newAttributes();
    Object.assign(attributes, {
      int: 3n,
      big: 9_007_199_254_740_993n,
      double: 3,
      nan: Number.NaN,
      bytes: new Uint8Array([0, 255, 7]),
      list: [1n, 'a', [true]],
      map: Object.assign(newAttributes(), { inner: 2.5 }),
      empty: null,
    });
    const typed = { ...(span as Span), attributes };
    const back = decodeTracesJson(JSON.stringify(encodeTracesJson([typed]))).spans[0] as Span;
    expect(back.attributes).toEqual(attributes);
    expect(typeof back.attributes.int).toBe('bigint');
    expect(typeof back.attributes.double).toBe('number');
  });
});
