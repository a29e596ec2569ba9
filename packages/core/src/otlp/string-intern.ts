/**
 * Attribute keys and short values (model names, operation names, finish reasons) repeat in
 * every span. Decoding them once and handing out the same string saves decoding, allocation
 * and, for keys, V8's internalization. A direct-mapped cache: a collision just replaces.
 */
const SLOTS = 2048;
const bytes: (Uint8Array | undefined)[] = new Array(SLOTS);
const strings: string[] = new Array(SLOTS);

/** The longest string worth caching. */
export const MAX_INTERNED = 48;

/** The string of `buf[start, end)` (at most {@link MAX_INTERNED} bytes), decoding with `decode` on a miss. */
export function interned(
  buf: Uint8Array,
  start: number,
  end: number,
  decode: (buf: Uint8Array, start: number, end: number) => string,
): string {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
  const slot = (h >>> 0) & (SLOTS - 1);
  const known = bytes[slot];
  const len = end - start;
  if (known !== undefined && known.length === len) {
    let same = true;
    for (let i = 0; i < len; i++) {
      if (known[i] !== buf[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return strings[slot] as string;
  }
  const text = decode(buf, start, end);
  // A copy (`buf` is never a Buffer, whose `slice` would be a view of the whole request: see ProtoReader).
  bytes[slot] = buf.slice(start, end);
  strings[slot] = text;
  return text;
}
