import { describe, expect, it } from 'vitest';
import { allTimeStart } from './time-range';

const NOW = Date.parse('2026-12-07T15:30:00Z');

describe('allTimeStart', () => {
  it('starts charts of all time on the day of the oldest call, however long ago within 999 days', () => {
    expect(allTimeStart('2024-12-04T10:00:00.123456789Z', NOW)).toBe('2024-12-04T00:00:00.000Z');
    expect(allTimeStart('2026-12-07T15:29:00.000000000Z', NOW)).toBe('2026-12-07T00:00:00.000Z');
  });

  it('goes back no more than 999 days, so the daily series stays within the API’s 1,000 buckets', () => {
    expect(allTimeStart('2019-01-01T00:00:00Z', NOW)).toBe('2024-03-13T00:00:00.000Z');
    const days = (NOW - Date.parse(allTimeStart('1990-01-01T00:00:00Z', NOW))) / 86_400_000;
    expect(Math.ceil(days)).toBeLessThanOrEqual(1000);
  });

  it('shows the last year when the oldest call is not known', () => {
    expect(allTimeStart(undefined, NOW)).toBe('365d');
    expect(allTimeStart('not a time', NOW)).toBe('365d');
  });
});
