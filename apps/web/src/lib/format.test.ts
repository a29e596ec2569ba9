import { describe, expect, it } from 'vitest';
import { exactCost, formatCostTick, formatDurationTick, formatShare } from './format';

describe('duration ticks on a chart axis', () => {
  it('are short and in one unit per range: no “0.00 ms” beside “2.00 s”', () => {
    expect([0, 250, 500, 1000, 1500, 2000, 2500].map(formatDurationTick)).toEqual([
      '0',
      '250 ms',
      '500 ms',
      '1 s',
      '1.5 s',
      '2 s',
      '2.5 s',
    ]);
    expect([0.5, 12.5, 60_000, 90_000, 3_600_000, 5_400_000].map(formatDurationTick)).toEqual([
      '0.5 ms',
      '12.5 ms',
      '1 min',
      '1.5 min',
      '1 h',
      '1.5 h',
    ]);
    // Float noise from the axis's steps does not show.
    expect(formatDurationTick(0.1 + 0.2)).toBe('0.3 ms');
    expect(formatDurationTick(1000.0000000002)).toBe('1 s');
  });
});

describe('cost ticks on a chart axis', () => {
  it('show cents alike on every tick, and small amounts without noise', () => {
    expect([0, 0.2, 0.4, 1, 1.5].map(formatCostTick)).toEqual(['$0', '$0.20', '$0.40', '$1.00', '$1.50']);
    expect([0.005, 0.0025, 0.001 + 0.002].map(formatCostTick)).toEqual(['$0.005', '$0.0025', '$0.003']);
  });
});

describe('exact costs (tooltips, the cost breakdown)', () => {
  it('give eight significant digits in plain decimals, however small', () => {
    expect([2.4e-7, 0.0123456789, 123.456, 0, 1.5e-12, null].map(exactCost)).toEqual([
      '$0.00000024',
      '$0.012345679',
      '$123.456',
      '$0',
      '$0.0000000000015',
      'unpriced',
    ]);
  });
});

describe('shares (error rates)', () => {
  it('read as a percentage with one decimal, as the dashboard and the call list both show them', () => {
    expect(formatShare(0.012466)).toBe('1.2%');
    expect(formatShare(0)).toBe('0.0%');
    expect(formatShare(1)).toBe('100.0%');
  });
});
