import { describe, expect, it } from 'vitest';
import { formatDurationTick } from './format';
import { durationTicks } from './time-ticks';

const labels = (totalMs: number) => durationTicks(totalMs).map(formatDurationTick);

describe('timeline ticks', () => {
  it('fall on round times, at most five after zero, none past the end', () => {
    // A 5m 17s trace: not 1m 19s, 2m 38s, …
    expect(labels(317_000)).toEqual(['0', '1 min', '2 min', '3 min', '4 min', '5 min']);
    expect(labels(6_420)).toEqual(['0', '2 s', '4 s', '6 s']);
    expect(labels(1_000)).toEqual(['0', '200 ms', '400 ms', '600 ms', '800 ms', '1 s']);
    expect(labels(12.3)).toEqual(['0', '5 ms', '10 ms']);
    expect(labels(0.8)).toEqual(['0', '0.2 ms', '0.4 ms', '0.6 ms', '0.8 ms']);
    expect(labels(5 * 3_600_000 + 1)).toEqual(['0', '1 h', '2 h', '3 h', '4 h', '5 h']);
  });

  it('gives a lone 0 for a trace of no duration', () => {
    expect(durationTicks(0)).toEqual([0]);
    expect(durationTicks(Number.NaN)).toEqual([0]);
  });

  it('never gives more than five after zero, whatever the length', () => {
    for (let ms = 0.001; ms < 1e9; ms *= 1.37) {
      const ticks = durationTicks(ms);
      expect(ticks.length).toBeLessThanOrEqual(6);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.at(-1)).toBeLessThanOrEqual(ms * (1 + 1e-9));
    }
  });
});
