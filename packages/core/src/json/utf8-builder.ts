const encoder = new TextEncoder();

/**
 * Node's native UTF-8 write into a byte array at an offset (lone surrogates become U+FFFD, as
 * with `encodeInto`), where there is one: `encodeInto` needs a view made at the offset for every
 * string, and a result object, garbage on every value written. Elsewhere (a browser), `encodeInto`.
 */
const nativeWrite = (globalThis as { Buffer?: { prototype: { utf8Write?: unknown } } }).Buffer?.prototype.utf8Write as
  | ((this: Uint8Array, s: string, offset: number) => number)
  | undefined;

/** Writes `s` as UTF-8 into `buf` at `at` (room for it made already); returns the bytes written. */
const writeUtf8: (buf: Uint8Array, s: string, at: number) => number = nativeWrite
  ? (buf, s, at) => nativeWrite.call(buf, s, at)
  : (buf, s, at) => encoder.encodeInto(s, buf.subarray(at)).written;

/**
 * A growable UTF-8 byte buffer. Text written here never becomes a JS string again, so
 * building large outputs (typed JSON for thousands of spans) allocates one buffer instead of
 * many strings.
 */
export class Utf8Builder {
  buf: Uint8Array;
  pos = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = new Uint8Array(initialBytes);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** Text as UTF-8. Lone surrogates become U+FFFD: callers escape them first when that matters. */
  text(s: string): void {
    const n = s.length;
    this.ensure(n * 3);
    if (n < 32) {
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) {
          this.pos += writeUtf8(buf, s, this.pos);
          return;
        }
        buf[p++] = c;
      }
      this.pos = p;
      return;
    }
    this.pos += writeUtf8(this.buf, s, this.pos);
  }

  /**
   * The bytes written, in a buffer of their own. What to post to another thread: posting a view
   * sends its whole underlying buffer, unused capacity too, copied on both sides.
   */
  copy(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** The bytes written so far (a view: copy it before writing more). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
