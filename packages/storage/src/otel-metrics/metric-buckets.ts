import type { MetricDistribution } from '@sightline/core';

/** A histogram bucket as a value range: values in (lower, upper]. */
export interface BucketRange {
  readonly lower: number;
  readonly upper: number;
  count: number;
}

/** Buckets of any histogram, keyed by their range, so explicit and exponential ones merge alike. */
export type Buckets = Map<string, BucketRange>;

/** A distribution's buckets as value ranges (none for summaries, whose quantiles do not merge). */
export function bucketsOf(d: MetricDistribution | null): Buckets | null {
  if (d === null || d.type === 'quantiles') return null;
  const out: Buckets = new Map();
  if (d.type === 'explicit') {
    for (let i = 0; i < d.counts.length; i++) {
      const lower = i === 0 ? Number.NEGATIVE_INFINITY : (d.bounds[i - 1] as number);
      const upper = i < d.bounds.length ? (d.bounds[i] as number) : Number.POSITIVE_INFINITY;
      add(out, lower, upper, d.counts[i] as number);
    }
    return out;
  }
  const base = 2 ** (2 ** -d.scale);
  if (d.zeroCount > 0) add(out, 0, 0, d.zeroCount);
  for (const [i, c] of d.positive.counts.entries()) add(out, base ** (d.positive.offset + i), base ** (d.positive.offset + i + 1), c);
  for (const [i, c] of d.negative.counts.entries()) add(out, -(base ** (d.negative.offset + i + 1)), -(base ** (d.negative.offset + i)), c);
  return out;
}

function add(out: Buckets, lower: number, upper: number, count: number): void {
  if (count <= 0) return;
  const key = `${lower},${upper}`;
  const b = out.get(key);
  if (b) b.count += count;
  else out.set(key, { lower, upper, count });
}

/** `into` += `from`. */
export function mergeBuckets(into: Buckets, from: Buckets): void {
  for (const b of from.values()) add(into, b.lower, b.upper, b.count);
}

/** `now` − `before`, bucket by bucket; null when some bucket went down (the series restarted). */
export function bucketIncrease(now: Buckets, before: Buckets): Buckets | null {
  const out: Buckets = new Map();
  for (const [key, b] of now) {
    const diff = b.count - (before.get(key)?.count ?? 0);
    if (diff < 0) return null;
    add(out, b.lower, b.upper, diff);
  }
  for (const key of before.keys()) if (!now.has(key)) return null;
  return out;
}

/**
 * The value below which a fraction `q` of the counted values lie, interpolated linearly inside
 * its bucket and kept within the recorded `min` / `max` (which also stand in for open bounds).
 */
export function quantileOf(buckets: Buckets, q: number, min: number | null, max: number | null): number | null {
  const sorted = [...buckets.values()].sort((a, b) => a.upper - b.upper || a.lower - b.lower);
  const total = sorted.reduce((n, b) => n + b.count, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (const b of sorted) {
    if (seen + b.count >= rank) {
      const lower = Number.isFinite(b.lower) ? b.lower : (min ?? b.upper);
      const upper = Number.isFinite(b.upper) ? b.upper : (max ?? lower);
      const at = lower + ((upper - lower) * (rank - seen)) / b.count;
      return clamp(at, min, max);
    }
    seen += b.count;
  }
  return clamp((sorted.at(-1) as BucketRange).upper, min, max);
}

function clamp(v: number, min: number | null, max: number | null): number {
  let out = v;
  if (min !== null && out < min) out = min;
  if (max !== null && out > max) out = max;
  return out;
}
