import { DecodeError, ProtoReader } from '../packages/core/src/index.js';
import { isMessageType, OTLP_PROTO_SCHEMA } from './otlp-proto-schema.js';

/**
 * One field of a protobuf message as it sits on the wire, editable. The payload is kept apart
 * from the tag's wire type, and lengths and varints carry optional damage, so a mutated tree
 * can be written back as exactly the malformed bytes a fuzzer wants — which a real encoder
 * would never produce.
 */
export interface WireField {
  field: number;
  /** The wire type written in the tag; a mutation may make it disagree with {@link kind}. */
  tagWire: number;
  /** How the payload is written. */
  kind: 'varint' | 'i64' | 'i32' | 'len';
  /** A varint's value (unsigned 64-bit). */
  value: bigint;
  /** The payload of an i64, i32 or len field; ignored while {@link children} is set. */
  bytes: Uint8Array;
  /** A len field's payload as a message, when it parses as one. */
  children: WireField[] | undefined;
  /** What the OTLP schema says this field holds (see OTLP_PROTO_SCHEMA), if known. */
  type: string | undefined;
  /** Declared length minus the real one (a len field that lies about its length). */
  lengthSkew: bigint | undefined;
  /** Redundant continuation bytes in the varint (value or length prefix): non-canonical, and past 10 bytes malformed. */
  padding: number | undefined;
}

const EMPTY = new Uint8Array(0);

/** Unknown length-delimited fields are tried as messages only this deep. */
const MAX_GUESS_DEPTH = 40;

/**
 * Parses `buf` as a message of schema type `type` (or of unknown type): every field, recursing
 * into len fields the schema calls messages and into unknown ones that parse as messages.
 * Returns null if `buf` is not a well-formed message.
 */
export function parseMessage(buf: Uint8Array, type: string | undefined, depth = 0): WireField[] | null {
  const r = new ProtoReader(buf);
  const fields: WireField[] = [];
  const schema = type === undefined ? undefined : OTLP_PROTO_SCHEMA[type];
  try {
    while (r.pos < buf.length) {
      const tag = r.uint32();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 0) return null;
      const fieldType = schema?.[field];
      if (wire === 0) {
        fields.push(wireField(field, wire, 'varint', BigInt.asUintN(64, r.int64()), EMPTY, fieldType));
      } else if (wire === 1 || wire === 5) {
        const size = wire === 1 ? 8 : 4;
        if (r.pos + size > buf.length) return null;
        fields.push(wireField(field, wire, wire === 1 ? 'i64' : 'i32', 0n, buf.subarray(r.pos, r.pos + size), fieldType));
        r.pos += size;
      } else if (wire === 2) {
        const end = r.lengthEnd(buf.length);
        const bytes = buf.subarray(r.pos, end);
        r.pos = end;
        const guess = fieldType === undefined && depth < MAX_GUESS_DEPTH && bytes.length > 0;
        const f = wireField(field, wire, 'len', 0n, bytes, fieldType);
        f.children = (isMessageType(fieldType) || guess ? parseMessage(bytes, fieldType, depth + 1) : null) ?? undefined;
        fields.push(f);
      } else {
        return null;
      }
    }
  } catch (err) {
    if (err instanceof DecodeError) return null;
    throw err;
  }
  return fields;
}

/** A field with every property present, so all fields share one object shape. */
export function wireField(
  field: number,
  tagWire: number,
  kind: WireField['kind'],
  value: bigint,
  bytes: Uint8Array,
  type: string | undefined,
): WireField {
  return { field, tagWire, kind, value, bytes, children: undefined, type, lengthSkew: undefined, padding: undefined };
}

/** A deep copy of a field (its byte payloads are shared: mutations replace them, never write into them). */
export function cloneField(f: WireField): WireField {
  return {
    field: f.field,
    tagWire: f.tagWire,
    kind: f.kind,
    value: f.value,
    bytes: f.bytes,
    children: f.children?.map(cloneField),
    type: f.type,
    lengthSkew: f.lengthSkew,
    padding: f.padding,
  };
}

/** Writes a message back to bytes, damage and all. */
export function serializeMessage(fields: readonly WireField[]): Uint8Array {
  const sizes = new Map<WireField, number>();
  const out = new Uint8Array(messageSize(fields, sizes));
  const end = writeMessage(fields, sizes, out, 0);
  if (end !== out.length) throw new Error(`proto-tree: wrote ${end} of ${out.length} bytes`);
  return out;
}

/** A field of a tree, its message (the list holding it) and the field that holds that message. */
export interface Located {
  readonly node: WireField;
  readonly parent: WireField[];
  readonly up: Located | null;
}

/** Every field of the tree, depth first; iterative, so a deep tree costs no stack. */
export function walk(fields: WireField[]): Located[] {
  const out: Located[] = [];
  const stack: Located[] = [];
  for (let i = fields.length - 1; i >= 0; i--) stack.push({ node: fields[i] as WireField, parent: fields, up: null });
  for (let at = stack.pop(); at !== undefined; at = stack.pop()) {
    out.push(at);
    const kids = at.node.children;
    if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i] as WireField, parent: kids, up: at });
  }
  return out;
}

/** The field numbers that lead to a field, as `1.2.2.5`. */
export function pathOf(at: Located): string {
  const numbers: number[] = [];
  for (let a: Located | null = at; a !== null; a = a.up) numbers.push(a.node.field);
  return numbers.reverse().join('.');
}

function payloadSize(f: WireField, sizes: Map<WireField, number>): number {
  let size = sizes.get(f);
  if (size === undefined) {
    size = f.children ? messageSize(f.children, sizes) : f.bytes.length;
    sizes.set(f, size);
  }
  return size;
}

function messageSize(fields: readonly WireField[], sizes: Map<WireField, number>): number {
  let total = 0;
  for (const f of fields) {
    total += varintSize(tagOf(f), 0);
    if (f.kind === 'varint') total += varintSize(f.value, f.padding ?? 0);
    else if (f.kind === 'len') {
      const size = payloadSize(f, sizes);
      total += varintSize(declaredLength(f, size), f.padding ?? 0) + size;
    } else total += f.bytes.length;
  }
  return total;
}

function writeMessage(fields: readonly WireField[], sizes: Map<WireField, number>, out: Uint8Array, at: number): number {
  let p = at;
  for (const f of fields) {
    p = writeVarint(tagOf(f), 0, out, p);
    if (f.kind === 'varint') p = writeVarint(f.value, f.padding ?? 0, out, p);
    else if (f.kind === 'len') {
      const size = payloadSize(f, sizes);
      p = writeVarint(declaredLength(f, size), f.padding ?? 0, out, p);
      if (f.children) p = writeMessage(f.children, sizes, out, p);
      else {
        out.set(f.bytes, p);
        p += f.bytes.length;
      }
    } else {
      out.set(f.bytes, p);
      p += f.bytes.length;
    }
  }
  return p;
}

const tagOf = (f: WireField): bigint | number => f.field * 8 + (f.tagWire & 7);

function declaredLength(f: WireField, size: number): bigint {
  const declared = BigInt(size) + (f.lengthSkew ?? 0n);
  return declared < 0n ? 0n : BigInt.asUintN(64, declared);
}

function varintSize(value: bigint | number, padding: number): number {
  let n = 1;
  if (value <= Number.MAX_SAFE_INTEGER) for (let v = Number(value); v >= 0x80; v = Math.floor(v / 128)) n++;
  else for (let v = BigInt(value); v >= 0x80n; v >>= 7n) n++;
  return n + padding;
}

function writeVarint(value: bigint | number, padding: number, out: Uint8Array, at: number): number {
  let p = at;
  let last: number;
  if (value <= Number.MAX_SAFE_INTEGER) {
    let v = Number(value);
    while (v >= 0x80) {
      out[p++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    last = v;
  } else {
    let v = BigInt(value);
    while (v >= 0x80n) {
      out[p++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    last = Number(v);
  }
  if (padding === 0) {
    out[p++] = last;
    return p;
  }
  // The same value spelled with `padding` more bytes: continuation bits over zero groups.
  out[p++] = last | 0x80;
  for (let i = 1; i < padding; i++) out[p++] = 0x80;
  out[p++] = 0;
  return p;
}
