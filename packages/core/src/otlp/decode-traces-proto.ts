import { type AnyValue, newAttributes } from '../model/any-value.js';
import { idOrNull } from '../model/ids.js';
import type { InstrumentationScope, Resource, SpanEvent, SpanKind, SpanLink, StatusCode } from '../model/span.js';
import { attributesOrEmpty, readKeyValue } from './decode-any-value-proto.js';
import { exportRequestSteps, readExportRequest } from './decode-common-proto.js';
import { type DecodedTraces, type DecodedTracesBuilder, rejectSpan } from './decoded.js';
import { ProtoReader } from './proto-reader.js';
import { spanProblem } from './span-validation.js';

/**
 * Decodes an OTLP `ExportTraceServiceRequest` (protobuf) straight into canonical spans.
 * Malformed protobuf raises {@link DecodeError}; spans that decode but break OTLP's rules
 * (id lengths, end before start, …) are counted in `rejectedSpans` and left out.
 */
export function decodeTracesProto(body: Uint8Array): DecodedTraces {
  const out: DecodedTracesBuilder = { spans: [], rejectedSpans: 0, rejections: [] };
  readExportRequest(new ProtoReader(body), NAMES, (r, end, resource, scope, resourceIndex, indexInScope) =>
    readSpan(r, end, resource, scope, out, resourceIndex, indexInScope),
  );
  return out;
}

/**
 * {@link decodeTracesProto} in steps of `spansPerStep` spans, awaiting `pause()` between them
 * (e.g. a turn of the event loop): a large request does not hold up everything else while it
 * decodes. The result is the same.
 */
export async function decodeTracesProtoInSteps(body: Uint8Array, spansPerStep: number, pause: () => Promise<void>): Promise<DecodedTraces> {
  const out: DecodedTracesBuilder = { spans: [], rejectedSpans: 0, rejections: [] };
  const steps = exportRequestSteps(
    new ProtoReader(body),
    NAMES,
    (r, end, resource, scope, resourceIndex, indexInScope) => readSpan(r, end, resource, scope, out, resourceIndex, indexInScope),
    spansPerStep,
  );
  while (!steps.next().done) await pause();
  return out;
}

const NAMES = { resource: 'resource_spans', scope: 'scope_spans' };

function readSpan(
  r: ProtoReader,
  end: number,
  resource: Resource,
  scope: InstrumentationScope,
  out: DecodedTracesBuilder,
  resourceIndex: number,
  spanIndex: number,
): void {
  let traceId = '';
  let traceIdBytes = 0;
  let spanId = '';
  let spanIdBytes = 0;
  let parentSpanId: string | null = null;
  let parentIdBytes = 0;
  let traceState = '';
  let flags = 0;
  let name = '';
  let kind = 0;
  let start = 0n;
  let finish = 0n;
  let attributes: Record<string, AnyValue> | null = null;
  let droppedAttributes = 0;
  let events: SpanEvent[] | null = null;
  let droppedEvents = 0;
  let links: SpanLink[] | null = null;
  let droppedLinks = 0;
  let statusCode = 0;
  let statusMessage = '';
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        traceId = r.hexId(end);
        traceIdBytes = r.lastLength;
        break;
      case 0x12:
        spanId = r.hexId(end);
        spanIdBytes = r.lastLength;
        break;
      case 0x1a:
        traceState = r.string(end);
        break;
      case 0x22: {
        const hex = r.hexId(end);
        parentIdBytes = r.lastLength;
        parentSpanId = parentIdBytes === 0 ? null : hex;
        break;
      }
      case 0x2a:
        name = r.string(end);
        break;
      case 0x30:
        kind = r.uint32() | 0;
        break;
      case 0x39:
        start = r.fixed64();
        break;
      case 0x41:
        finish = r.fixed64();
        break;
      case 0x4a:
        readKeyValue(r, r.lengthEnd(end), (attributes ??= newAttributes()), 0);
        break;
      case 0x50:
        droppedAttributes = r.uint32();
        break;
      case 0x5a:
        (events ??= []).push(readEvent(r, r.lengthEnd(end)));
        break;
      case 0x60:
        droppedEvents = r.uint32();
        break;
      case 0x6a:
        (links ??= []).push(readLink(r, r.lengthEnd(end)));
        break;
      case 0x70:
        droppedLinks = r.uint32();
        break;
      case 0x7a: {
        const statusEnd = r.lengthEnd(end);
        while (r.pos < statusEnd) {
          const t = r.uint32();
          if (t === 0x12) statusMessage = r.string(statusEnd);
          else if (t === 0x18) statusCode = r.uint32() | 0;
          else r.skip(t & 7, statusEnd);
        }
        r.expectEnd(statusEnd, 'status');
        break;
      }
      case 0x85: // field 16, fixed32
        flags = r.fixed32();
        break;
      default:
        r.skip(tag & 7, end);
    }
  }
  r.expectEnd(end, 'span');
  const problem = spanProblem(traceIdBytes, traceId, spanIdBytes, spanId, parentIdBytes, start, finish, kind, statusCode, links, events);
  if (problem !== null) {
    rejectSpan(out, resourceIndex, spanIndex, name, problem);
    return;
  }
  out.spans.push({
    traceId,
    spanId,
    parentSpanId: parentSpanId === null ? null : idOrNull(parentSpanId),
    traceState,
    flags,
    name,
    kind: kind as SpanKind,
    startTimeUnixNano: start,
    endTimeUnixNano: finish,
    attributes: attributesOrEmpty(attributes),
    droppedAttributesCount: droppedAttributes,
    events: events ?? [],
    droppedEventsCount: droppedEvents,
    links: links ?? [],
    droppedLinksCount: droppedLinks,
    status: { code: statusCode as StatusCode, message: statusMessage },
    resource,
    scope,
  });
}

function readEvent(r: ProtoReader, end: number): SpanEvent {
  let time = 0n;
  let name = '';
  let attributes: Record<string, AnyValue> | null = null;
  let dropped = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x09) time = r.fixed64();
    else if (tag === 0x12) name = r.string(end);
    else if (tag === 0x1a) readKeyValue(r, r.lengthEnd(end), (attributes ??= newAttributes()), 0);
    else if (tag === 0x20) dropped = r.uint32();
    else r.skip(tag & 7, end);
  }
  r.expectEnd(end, 'event');
  return { timeUnixNano: time, name, attributes: attributesOrEmpty(attributes), droppedAttributesCount: dropped };
}

function readLink(r: ProtoReader, end: number): SpanLink {
  let traceId = '';
  let spanId = '';
  let traceState = '';
  let attributes: Record<string, AnyValue> | null = null;
  let dropped = 0;
  let flags = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) traceId = r.hexId(end);
    else if (tag === 0x12) spanId = r.hexId(end);
    else if (tag === 0x1a) traceState = r.string(end);
    else if (tag === 0x22) readKeyValue(r, r.lengthEnd(end), (attributes ??= newAttributes()), 0);
    else if (tag === 0x28) dropped = r.uint32();
    else if (tag === 0x35) flags = r.fixed32();
    else r.skip(tag & 7, end);
  }
  r.expectEnd(end, 'link');
  return { traceId, spanId, traceState, attributes: attributesOrEmpty(attributes), droppedAttributesCount: dropped, flags };
}
