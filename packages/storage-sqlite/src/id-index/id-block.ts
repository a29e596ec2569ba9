/**
 * A sealed block of an id index: keys sorted and laid end to end, and the value of each key
 * (a 64-bit integer as two little-endian 32-bit halves). Keys may repeat.
 */
export interface IdBlock {
  readonly width: number;
  readonly ids: Uint8Array;
  readonly vals: Uint8Array;
}

/** Sorts (key, value) pairs into a block. */
export function buildBlock(width: number, pairs: readonly { id: Uint8Array; value: number }[]): IdBlock {
  const sorted = [...pairs].sort((a, b) => compareBytes(a.id, 0, b.id, 0, width) || a.value - b.value);
  const ids = new Uint8Array(sorted.length * width);
  const vals = new Uint8Array(sorted.length * 8);
  const view = new DataView(vals.buffer);
  sorted.forEach((p, i) => {
    ids.set(p.id.subarray(0, width), i * width);
    view.setUint32(i * 8, p.value % 2 ** 32, true);
    view.setUint32(i * 8 + 4, Math.floor(p.value / 2 ** 32), true);
  });
  return { width, ids, vals };
}

/** Every value stored under `key` in the block. */
export function blockLookup(block: IdBlock, key: Uint8Array): number[] {
  const { width, ids, vals } = block;
  const count = ids.length / width;
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(ids, mid * width, key, 0, width) < 0) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  const view = new DataView(vals.buffer, vals.byteOffset, vals.byteLength);
  for (let i = lo; i < count && compareBytes(ids, i * width, key, 0, width) === 0; i++) {
    out.push(view.getUint32(i * 8, true) + view.getUint32(i * 8 + 4, true) * 2 ** 32);
  }
  return out;
}

function compareBytes(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, width: number): number {
  for (let i = 0; i < width; i++) {
    const d = (a[aStart + i] as number) - (b[bStart + i] as number);
    if (d !== 0) return d;
  }
  return 0;
}
