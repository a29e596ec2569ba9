/** Ids and their values, sorted by id and then value (the recent tree's order), end to end. */
export interface SortedIds {
  /** `count` ids of `width` bytes each. */
  readonly ids: Uint8Array;
  readonly values: ArrayLike<number>;
  readonly count: number;
}

/**
 * The writer's copy of what the recent tree holds (see `IdIndex`), so sealing sorts ids it
 * already has instead of reading 16,384 rows back, a Buffer and an object each — most of what
 * sealing cost. Only as good as the caller keeps it: it must hold every row in the tree and
 * nothing else (the caller drops it when unsure, and reads the tree instead).
 */
export class RecentIds {
  private ids: Uint8Array;
  private values: Float64Array;
  count = 0;

  constructor(
    private readonly width: number,
    capacity = 1024,
  ) {
    this.ids = new Uint8Array(capacity * width);
    this.values = new Float64Array(capacity);
  }

  push(id: Uint8Array, value: number): void {
    if (this.count === this.values.length) this.grow();
    this.ids.set(id.length === this.width ? id : id.subarray(0, this.width), this.count * this.width);
    this.values[this.count++] = value;
  }

  /** The ids sorted as the tree orders them: bytes, then value. */
  sorted(): SortedIds {
    const { width, ids, values, count } = this;
    // The first four bytes as a number decide most comparisons.
    const prefix = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const at = i * width;
      let p = 0;
      for (let k = 0; k < 4; k++) p = p * 256 + (k < width ? (ids[at + k] as number) : 0);
      prefix[i] = p;
    }
    const order = Array.from({ length: count }, (_, i) => i);
    order.sort((a, b) => {
      const d = (prefix[a] as number) - (prefix[b] as number);
      if (d !== 0) return d;
      for (let k = 4; k < width; k++) {
        const e = (ids[a * width + k] as number) - (ids[b * width + k] as number);
        if (e !== 0) return e;
      }
      return (values[a] as number) - (values[b] as number);
    });
    const sortedIds = new Uint8Array(count * width);
    const sortedValues = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const from = (order[i] as number) * width;
      sortedIds.set(ids.subarray(from, from + width), i * width);
      sortedValues[i] = values[order[i] as number] as number;
    }
    return { ids: sortedIds, values: sortedValues, count };
  }

  private grow(): void {
    const ids = new Uint8Array(this.ids.length * 2);
    ids.set(this.ids);
    const values = new Float64Array(this.values.length * 2);
    values.set(this.values);
    this.ids = ids;
    this.values = values;
  }
}
