import { describe, expect, it } from 'vitest';
import { buildChunks, CHUNK, chunkLookup } from './id-chunk.js';
import type { SortedIds } from './recent-ids.js';

function flat(width: number, rows: readonly { id: Uint8Array; value: number }[]): SortedIds {
  const ids = new Uint8Array(rows.length * width);
  for (const [i, row] of rows.entries()) ids.set(row.id, i * width);
  return { ids, values: rows.map((row) => row.value), count: rows.length };
}

describe('id chunks', () => {
  it('never splits an id across chunks, and finds every value of it', () => {
    const id = (n: number) => Uint8Array.from([0, 0, n >> 8, n & 0xff]);
    const rows: { id: Uint8Array; value: number }[] = [];
    for (let n = 0; n < 600; n++) rows.push({ id: id(n < 250 ? n : n < 280 ? 250 : n), value: n });
    const chunks = buildChunks(4, flat(4, rows));
    expect(chunks.length).toBeGreaterThan(1);
    const holding = chunks.filter((c) => chunkLookup(4, c.ids, c.vals, id(250)).length > 0);
    expect(holding).toHaveLength(1);
    expect(chunkLookup(4, holding[0]!.ids, holding[0]!.vals, id(250))).toEqual(Array.from({ length: 30 }, (_, i) => 250 + i));
    expect(chunks[0]!.ids.length / 4).toBe(CHUNK + 24);
  });

  it('keeps values beyond 32 bits', () => {
    const [chunk] = buildChunks(1, flat(1, [{ id: Uint8Array.from([7]), value: 2 ** 40 + 5 }]));
    expect(chunkLookup(1, chunk!.ids, chunk!.vals, Uint8Array.from([7]))).toEqual([2 ** 40 + 5]);
  });
});
