import { type AnyValue, EMPTY_ATTRIBUTES, newAttributes } from '../model/any-value.js';
import type { InstrumentationScope, Resource } from '../model/span.js';
import { attributesOrEmpty, readKeyValue } from './decode-any-value-proto.js';
import type { ProtoReader } from './proto-reader.js';

/** Resource and scope messages, which trace and log requests share. */

export const EMPTY_RESOURCE: Resource = Object.freeze({ attributes: EMPTY_ATTRIBUTES, droppedAttributesCount: 0, schemaUrl: '' });

export function readResource(r: ProtoReader, [start, end]: [number, number], schemaUrl: string): Resource {
  r.pos = start;
  let attributes: Record<string, AnyValue> | null = null;
  let dropped = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) readKeyValue(r, r.lengthEnd(end), (attributes ??= newAttributes()), 0);
    else if (tag === 0x10) dropped = r.uint32();
    else r.skip(tag & 7, end);
  }
  r.expectEnd(end, 'resource');
  return { attributes: attributesOrEmpty(attributes), droppedAttributesCount: dropped, schemaUrl };
}

export function readScope(r: ProtoReader, range: [number, number] | null, schemaUrl: string): InstrumentationScope {
  let name = '';
  let version = '';
  let attributes: Record<string, AnyValue> | null = null;
  let dropped = 0;
  if (range) {
    const [start, end] = range;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag === 0x0a) name = r.string(end);
      else if (tag === 0x12) version = r.string(end);
      else if (tag === 0x1a) readKeyValue(r, r.lengthEnd(end), (attributes ??= newAttributes()), 0);
      else if (tag === 0x20) dropped = r.uint32();
      else r.skip(tag & 7, end);
    }
    r.expectEnd(end, 'scope');
  }
  return { name, version, attributes: attributesOrEmpty(attributes), droppedAttributesCount: dropped, schemaUrl };
}

/** A length-delimited field's [start, end); the reader moves past it. */
export function range(r: ProtoReader, limit: number): [number, number] {
  const end = r.lengthEnd(limit);
  const start = r.pos;
  r.pos = end;
  return [start, end];
}
