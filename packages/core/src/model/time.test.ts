import { describe, expect, it } from 'vitest';
import { isoToNanos, msToNanos, nanosToIso, nanosToMs } from './time.js';

describe('timestamps', () => {
  it('prints nanoseconds as ISO-8601 with all nine digits', () => {
    expect(nanosToIso(1700000000123456789n)).toBe('2023-11-14T22:13:20.123456789Z');
    expect(nanosToIso(0n)).toBe('1970-01-01T00:00:00.000000000Z');
  });

  it('parses ISO-8601 without losing nanoseconds, in any zone', () => {
    expect(isoToNanos('2023-11-14T22:13:20.123456789Z')).toBe(1700000000123456789n);
    expect(isoToNanos('2023-11-14T23:13:20.5+01:00')).toBe(1700000000500000000n);
    expect(isoToNanos('2023-11-14')).toBe(1699920000000000000n);
    expect(isoToNanos('2023-11-14T22:13:20')).toBe(1700000000000000000n);
    expect(isoToNanos('0099-12-31T00:00:00Z')).toBe(-59011545600000000000n);
  });

  it('refuses what is not a timestamp', () => {
    for (const bad of ['yesterday', '2023-13-01', '2023-02-30T00:00:00Z', '2023-11-14T25:00:00Z', ''])
      expect(isoToNanos(bad), bad).toBeNull();
  });

  it('converts between milliseconds and nanoseconds', () => {
    expect(nanosToMs(1_500_000n)).toBe(1.5);
    expect(msToNanos(1700000000123.456)).toBe(1700000000123456000n);
  });
});
