import { type AnyValue, type Attributes, EMPTY_ATTRIBUTES, MAX_VALUE_DEPTH, newAttributes } from '../model/any-value.js';
import { DecodeError } from './decode-error.js';
import type { ProtoReader } from './proto-reader.js';

/** Reads `repeated KeyValue` fields into an attribute map; call once per occurrence. */
export function readKeyValue(r: ProtoReader, end: number, into: Record<string, AnyValue>, depth: number): void {
  let key = '';
  let value: AnyValue = null;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 && wire === 2) key = r.key(end);
    else if (field === 2 && wire === 2) value = readAnyValue(r, r.lengthEnd(end), depth + 1);
    else r.skip(wire, end);
  }
  r.expectEnd(end, 'KeyValue');
  into[key] = value;
}

/** Decodes an `AnyValue` message ending at `end`. An unset value is null. */
export function readAnyValue(r: ProtoReader, end: number, depth: number): AnyValue {
  if (depth > MAX_VALUE_DEPTH) throw new DecodeError(`attribute values nested deeper than ${MAX_VALUE_DEPTH} levels`);
  let value: AnyValue = null;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    switch (field) {
      case 1:
        if (wire !== 2) break;
        value = r.string(end);
        continue;
      case 2:
        if (wire !== 0) break;
        value = r.bool();
        continue;
      case 3:
        if (wire !== 0) break;
        value = r.int64();
        continue;
      case 4:
        if (wire !== 1) break;
        value = r.double();
        continue;
      case 5:
        if (wire !== 2) break;
        value = readArrayValue(r, r.lengthEnd(end), depth);
        continue;
      case 6:
        if (wire !== 2) break;
        value = readKvList(r, r.lengthEnd(end), depth);
        continue;
      case 7:
        if (wire !== 2) break;
        value = r.bytes(end);
        continue;
    }
    r.skip(wire, end);
  }
  r.expectEnd(end, 'AnyValue');
  return value;
}

function readArrayValue(r: ProtoReader, end: number, depth: number): AnyValue[] {
  const values: AnyValue[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) values.push(readAnyValue(r, r.lengthEnd(end), depth + 1));
    else r.skip(tag & 7, end);
  }
  r.expectEnd(end, 'ArrayValue');
  return values;
}

function readKvList(r: ProtoReader, end: number, depth: number): Attributes {
  const values = newAttributes();
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) readKeyValue(r, r.lengthEnd(end), values, depth + 1);
    else r.skip(tag & 7, end);
  }
  r.expectEnd(end, 'KeyValueList');
  return values;
}

/** Returns the shared empty map when nothing was read, so empty attribute sets cost nothing. */
export function attributesOrEmpty(attrs: Record<string, AnyValue> | null): Attributes {
  return attrs ?? EMPTY_ATTRIBUTES;
}
