/** A small seeded PRNG (mulberry32) so generated test data is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomHex(rand: () => number, chars: number): string {
  let out = '';
  for (let i = 0; i < chars; i++) out += Math.floor(rand() * 16).toString(16);
  return /^0+$/.test(out) ? `${out.slice(0, -1)}1` : out;
}
