const encoder = new TextEncoder();
const scratch = new Uint8Array(8);
const scratchView = new DataView(scratch.buffer);

/** A piece of a message: raw bytes, scalar bytes as written, or a nested message. */
type Part = Uint8Array | number[] | ProtoWriter;

/**
 * A minimal protobuf writer for the messages Sightline sends (export responses,
 * `google.rpc.Status`, trace export requests). Fields are appended in order. Nested messages
 * and byte fields are kept by reference and copied once, by {@link finish}, so deep nesting
 * (a request of resources of scopes of spans of attributes) costs no more than flat data.
 */
export class ProtoWriter {
  private readonly parts: Part[] = [];
  private scalars: number[] = [];
  /** Bytes written so far, nested messages included. */
  private size = 0;

  varint(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.rawVarint(BigInt.asUintN(64, BigInt(value)));
    return this;
  }

  /** A `fixed64` field (OTLP's nanosecond times). */
  fixed64(field: number, value: bigint): this {
    this.tag(field, 1);
    let v = BigInt.asUintN(64, value);
    for (let i = 0; i < 8; i++) {
      this.push(Number(v & 0xffn));
      v >>= 8n;
    }
    return this;
  }

  /** A `fixed32` field (OTLP's trace flags). */
  fixed32(field: number, value: number): this {
    this.tag(field, 5);
    const v = value >>> 0;
    this.push(v & 0xff);
    this.push((v >>> 8) & 0xff);
    this.push((v >>> 16) & 0xff);
    this.push(v >>> 24);
    return this;
  }

  /** A `double` field, little-endian IEEE 754 as protobuf writes it. */
  double(field: number, value: number): this {
    this.tag(field, 1);
    scratchView.setFloat64(0, value, true);
    for (const b of scratch) this.push(b);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytesField(field, encoder.encode(value));
  }

  /** A bytes field; `value` is kept by reference until {@link finish}, so it must not change before. */
  bytesField(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.smallVarint(value.length);
    this.append(value, value.length);
    return this;
  }

  /** A nested message; `inner` is kept by reference until {@link finish}, so it must not change before. */
  message(field: number, inner: ProtoWriter): this {
    this.tag(field, 2);
    this.smallVarint(inner.size);
    this.append(inner, inner.size);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    this.writeTo(out, 0);
    return out;
  }

  private writeTo(out: Uint8Array, offset: number): number {
    let at = offset;
    for (const part of [...this.parts, this.scalars]) {
      if (part instanceof ProtoWriter) at = part.writeTo(out, at);
      else {
        out.set(part, at);
        at += part.length;
      }
    }
    return at;
  }

  private append(part: Uint8Array | ProtoWriter, size: number): void {
    if (this.scalars.length) {
      this.parts.push(this.scalars);
      this.scalars = [];
    }
    this.parts.push(part);
    this.size += size;
  }

  private push(byte: number): void {
    this.scalars.push(byte);
    this.size++;
  }

  private tag(field: number, wire: number): void {
    this.smallVarint((field << 3) | wire);
  }

  /** A varint of a non-negative number below 2^31 (tags, lengths), without BigInt. */
  private smallVarint(value: number): void {
    let v = value;
    while (v >= 0x80) {
      this.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    this.push(v);
  }

  private rawVarint(value: bigint): void {
    if (value < 0x80000000n) {
      this.smallVarint(Number(value));
      return;
    }
    let v = value;
    while (v >= 0x80n) {
      this.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.push(Number(v));
  }
}
