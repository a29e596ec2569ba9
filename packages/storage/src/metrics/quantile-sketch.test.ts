import { describe, expect, it } from 'vitest';
import { QuantileSketch } from './quantile-sketch.js';

function exact(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;
}

describe('quantile sketch', () => {
  it('reads quantiles within 1% of the exact value', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const values = Array.from({ length: 20_000 }, () => Math.exp(rand() * 12) * 0.05);
    const sketch = new QuantileSketch();
    for (const v of values) sketch.add(v);
    for (const q of [0.01, 0.5, 0.9, 0.95, 0.99, 1]) {
      const want = exact(values, q);
      expect(Math.abs((sketch.quantile(q) as number) - want) / want).toBeLessThanOrEqual(0.01);
    }
  });

  it('merges, subtracts and survives encoding', () => {
    const a = new QuantileSketch();
    const b = new QuantileSketch();
    for (let i = 1; i <= 100; i++) a.add(i);
    for (let i = 1; i <= 100; i++) b.add(i * 1000);
    const both = new QuantileSketch();
    both.mergeEncoded(a.encode());
    both.mergeEncoded(b.encode());
    expect(both.count).toBe(200);
    expect(both.quantile(0.99)).toBeGreaterThan(90_000);
    both.mergeEncoded(b.encode(), -1);
    expect(both.count).toBe(100);
    expect(Math.abs((both.quantile(0.5) as number) - 50) / 50).toBeLessThan(0.011);
  });

  it('has no quantile when empty, and reads zero values as 0', () => {
    expect(new QuantileSketch().quantile(0.5)).toBeNull();
    const s = new QuantileSketch();
    s.add(0);
    s.add(0);
    s.add(5);
    expect(s.quantile(0.5)).toBe(0);
  });

  it('clamps absurd values so a sketch stays small, and keeps far-apart values in order', () => {
    const s = new QuantileSketch();
    s.add(1e-300);
    s.add(3);
    s.add(1e300);
    expect(s.quantile(0)).toBeCloseTo(1e-9, 10);
    expect(Math.abs((s.quantile(0.5) as number) - 3) / 3).toBeLessThan(0.011);
    expect(Math.abs((s.quantile(1) as number) - 1e15) / 1e15).toBeLessThan(0.011);
    // Bucket/count pairs: three buckets.
    expect(s.encode().byteLength).toBe(3 * 8);
  });
});
