/**
 * A quantile sketch with relative accuracy (DDSketch's log buckets): a value v > 0 falls in
 * bucket ceil(log_γ v) with γ = 1.02, and a quantile is read as its bucket's midpoint, which is
 * within 1% of every value in the bucket. Values ≤ 0 share one bucket that reads as 0.
 * Sketches add and subtract bucket by bucket, so stores can keep them per group and time
 * bucket and merge them at query time.
 */
export const SKETCH_GAMMA = 1.02;
const LOG_GAMMA = Math.log(SKETCH_GAMMA);
/** The bucket of values ≤ 0. */
export const ZERO_BUCKET = -0x8000_0000;

/** Values are clamped to this range (any latency, TTFT or rate worth reading), bounding a sketch's size. */
const LOWEST = 1e-9;
const HIGHEST = 1e15;

/** The bucket a value falls in. */
export function bucketOf(value: number): number {
  if (!(value > 0)) return ZERO_BUCKET;
  return Math.ceil(Math.log(Math.min(Math.max(value, LOWEST), HIGHEST)) / LOG_GAMMA);
}

/** The value a bucket stands for (within 1% of anything in it). */
export function bucketValue(bucket: number): number {
  if (bucket === ZERO_BUCKET) return 0;
  return (2 * SKETCH_GAMMA ** bucket) / (SKETCH_GAMMA + 1);
}

/**
 * Counts per bucket, kept densely from the lowest to the highest bucket seen (a few hundred
 * slots for typical latencies), so adding and merging are array index operations.
 */
export class QuantileSketch {
  /** Count per bucket, slot i holding bucket `offset + i`. */
  private slots = new Float64Array(0);
  private offset = 0;
  /** Values ≤ 0. */
  private zero = 0;
  count = 0;

  add(value: number, times = 1): void {
    this.addBucket(bucketOf(value), times);
  }

  /** Adds (or with a negative `times`, removes) occurrences of a bucket. */
  addBucket(bucket: number, times: number): void {
    this.count += times;
    if (bucket === ZERO_BUCKET) {
      this.zero += times;
      return;
    }
    let i = bucket - this.offset;
    if (i < 0 || i >= this.slots.length) i = this.cover(bucket);
    this.slots[i] = (this.slots[i] as number) + times;
  }

  merge(other: QuantileSketch, sign = 1): void {
    this.count += sign * other.count;
    this.zero += sign * other.zero;
    const n = other.slots.length;
    if (n === 0) return;
    this.cover(other.offset);
    const base = this.cover(other.offset + n - 1) - (n - 1);
    for (let j = 0; j < n; j++) {
      const c = other.slots[j] as number;
      if (c !== 0) this.slots[base + j] = (this.slots[base + j] as number) + sign * c;
    }
  }

  /**
   * The q-quantile (0..1) of the values added, by nearest rank (the ⌈q·n⌉-th smallest value,
   * so p99 of a few values is their largest), or null when there are none.
   */
  quantile(q: number): number | null {
    if (this.count <= 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = this.zero;
    if (seen >= rank) return 0;
    let last = -1;
    for (let i = 0; i < this.slots.length; i++) {
      const c = this.slots[i] as number;
      if (c === 0) continue;
      seen += c;
      last = i;
      if (seen >= rank) return bucketValue(this.offset + i);
    }
    return last < 0 ? 0 : bucketValue(this.offset + last);
  }

  /** Bucket/count pairs as an Int32Array, for storing; empty buckets are left out. */
  encode(): Uint8Array {
    let size = this.zero !== 0 ? 1 : 0;
    for (let i = 0; i < this.slots.length; i++) if (this.slots[i] !== 0) size++;
    const out = new Int32Array(size * 2);
    let k = 0;
    if (this.zero !== 0) {
      out[k++] = ZERO_BUCKET;
      out[k++] = this.zero;
    }
    for (let i = 0; i < this.slots.length; i++) {
      const c = this.slots[i] as number;
      if (c === 0) continue;
      out[k++] = this.offset + i;
      out[k++] = c;
    }
    return new Uint8Array(out.buffer);
  }

  /** Adds the pairs of an {@link encode}d sketch (times `sign`). */
  mergeEncoded(bytes: Uint8Array, sign = 1): void {
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    const pairs = new Int32Array(aligned.buffer, aligned.byteOffset, Math.floor(aligned.byteLength / 8) * 2);
    for (let i = 0; i < pairs.length; i += 2) this.addBucket(pairs[i] as number, sign * (pairs[i + 1] as number));
  }

  /** Grows the slots to hold `bucket` (with room to spare) and returns its slot. */
  private cover(bucket: number): number {
    const n = this.slots.length;
    if (n === 0) {
      this.slots = new Float64Array(64);
      this.offset = bucket - 32;
      return 32;
    }
    const i = bucket - this.offset;
    if (i >= 0 && i < n) return i;
    const low = Math.min(this.offset, bucket - (i < 0 ? 32 : 0));
    const high = Math.max(this.offset + n, bucket + 1 + (i >= n ? 32 : 0));
    const grown = new Float64Array(high - low);
    grown.set(this.slots, this.offset - low);
    this.slots = grown;
    this.offset = low;
    return bucket - low;
  }
}
