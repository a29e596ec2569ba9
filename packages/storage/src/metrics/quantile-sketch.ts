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

/** The bucket a value falls in. */
export function bucketOf(value: number): number {
  if (!(value > 0)) return ZERO_BUCKET;
  return Math.ceil(Math.log(value) / LOG_GAMMA);
}

/** The value a bucket stands for (within 1% of anything in it). */
export function bucketValue(bucket: number): number {
  if (bucket === ZERO_BUCKET) return 0;
  return (2 * SKETCH_GAMMA ** bucket) / (SKETCH_GAMMA + 1);
}

export class QuantileSketch {
  /** Count per bucket. */
  readonly counts = new Map<number, number>();
  count = 0;

  add(value: number, times = 1): void {
    this.addBucket(bucketOf(value), times);
  }

  /** Adds (or with a negative `times`, removes) occurrences of a bucket. */
  addBucket(bucket: number, times: number): void {
    const n = (this.counts.get(bucket) ?? 0) + times;
    if (n === 0) this.counts.delete(bucket);
    else this.counts.set(bucket, n);
    this.count += times;
  }

  merge(other: QuantileSketch, sign = 1): void {
    for (const [bucket, n] of other.counts) this.addBucket(bucket, sign * n);
  }

  /**
   * The q-quantile (0..1) of the values added, by nearest rank (the ⌈q·n⌉-th smallest value,
   * so p99 of a few values is their largest), or null when there are none.
   */
  quantile(q: number): number | null {
    if (this.count <= 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.count));
    const buckets = [...this.counts.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const b of buckets) {
      seen += this.counts.get(b) as number;
      if (seen >= rank) return bucketValue(b);
    }
    return bucketValue(buckets[buckets.length - 1] as number);
  }

  /** Bucket/count pairs as an Int32Array, for storing; empty buckets are left out. */
  encode(): Uint8Array {
    const out = new Int32Array(this.counts.size * 2);
    let i = 0;
    for (const [bucket, n] of this.counts) {
      out[i++] = bucket;
      out[i++] = n;
    }
    return new Uint8Array(out.buffer);
  }

  /** Adds the pairs of an {@link encode}d sketch (times `sign`). */
  mergeEncoded(bytes: Uint8Array, sign = 1): void {
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    const pairs = new Int32Array(aligned.buffer, aligned.byteOffset, Math.floor(aligned.byteLength / 8) * 2);
    for (let i = 0; i < pairs.length; i += 2) this.addBucket(pairs[i] as number, sign * (pairs[i + 1] as number));
  }
}
