/**
 * A Bloom filter over fixed-width byte keys: 16 bits per key and 11 probes, about 0.05% false
 * positives. Pure functions over plain bytes, so a filter can be stored as a BLOB and tested
 * without decoding.
 */
export const BITS_PER_KEY = 16;
export const PROBES = 11;

/** Two 32-bit hashes of a key (FNV-1a with two seeds, then mixed), for double hashing. */
export function keyHashes(key: Uint8Array, start = 0, end = key.length): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = start; i < end; i++) {
    const b = key[i] as number;
    h1 = Math.imul(h1 ^ b, 0x01000193);
    h2 = Math.imul(h2 ^ b, 0x5bd1e995);
  }
  return [mix(h1), mix(h2) | 1];
}

function mix(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A filter for `count` keys of `width` bytes laid end to end in `keys`. */
export function buildBloom(keys: Uint8Array, width: number, count: number): Uint8Array {
  const bits = Math.max(64, count * BITS_PER_KEY);
  const bloom = new Uint8Array(Math.ceil(bits / 8));
  const m = bloom.length * 8;
  for (let k = 0; k < count; k++) {
    const [h1, h2] = keyHashes(keys, k * width, (k + 1) * width);
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      const at = bit % m;
      bloom[at >>> 3] = (bloom[at >>> 3] as number) | (1 << (at & 7));
    }
  }
  return bloom;
}

/** Whether the filter may hold a key with these hashes (false means certainly not). */
export function bloomMayContain(bloom: Uint8Array, [h1, h2]: [number, number]): boolean {
  const m = bloom.length * 8;
  for (let i = 0; i < PROBES; i++) {
    const at = ((h1 + Math.imul(i, h2)) >>> 0) % m;
    if (((bloom[at >>> 3] as number) & (1 << (at & 7))) === 0) return false;
  }
  return true;
}
