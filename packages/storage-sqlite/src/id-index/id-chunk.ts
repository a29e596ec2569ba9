import type { SortedIds } from './recent-ids.js';

/**
 * A chunk of a sealed run: up to about {@link CHUNK} ids sorted and laid end to end, and the
 * value of each (a 64-bit integer as two little-endian 32-bit halves). Equal ids are never
 * split across chunks, so one chunk holds every value of an id.
 */
export const CHUNK = 256;

export interface IdChunk {
  readonly first: Uint8Array;
  readonly ids: Uint8Array;
  readonly vals: Uint8Array;
}

/** Cuts sorted ids into chunks. */
export function buildChunks(width: number, sorted: SortedIds): IdChunk[] {
  const { ids: all, values, count } = sorted;
  const chunks: IdChunk[] = [];
  let start = 0;
  while (start < count) {
    let end = Math.min(count, start + CHUNK);
    while (end < count && compare(all, (end - 1) * width, all, end * width, width) === 0) end++;
    const ids = all.slice(start * width, end * width);
    const vals = new Uint8Array((end - start) * 8);
    const view = new DataView(vals.buffer);
    for (let i = start; i < end; i++) {
      const value = values[i] as number;
      view.setUint32((i - start) * 8, value % 2 ** 32, true);
      view.setUint32((i - start) * 8 + 4, Math.floor(value / 2 ** 32), true);
    }
    chunks.push({ first: ids.slice(0, width), ids, vals });
    start = end;
  }
  return chunks;
}

/** Every value stored under `key` in a chunk. */
export function chunkLookup(width: number, ids: Uint8Array, vals: Uint8Array, key: Uint8Array): number[] {
  const count = ids.length / width;
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(ids, mid * width, key, 0, width) < 0) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  const view = new DataView(vals.buffer, vals.byteOffset, vals.byteLength);
  for (let i = lo; i < count && compare(ids, i * width, key, 0, width) === 0; i++) {
    out.push(view.getUint32(i * 8, true) + view.getUint32(i * 8 + 4, true) * 2 ** 32);
  }
  return out;
}

function compare(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, width: number): number {
  for (let i = 0; i < width; i++) {
    const d = (a[aStart + i] as number) - (b[bStart + i] as number);
    if (d !== 0) return d;
  }
  return 0;
}
