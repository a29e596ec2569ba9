import { describe, expect, it } from 'vitest';
import { timeSegments } from './time-segments.js';

const H = 3_600_000_000_000n;
const at = (hours: number, minutes = 0) => BigInt(hours) * H + (BigInt(minutes) * H) / 60n;
const ALL_FOLDED = 10_000;

describe('time segments', () => {
  it('covers a range exactly once: whole days, whole hours at the edges, partial hours beyond', () => {
    expect(timeSegments(at(25, 30), at(73, 10), ALL_FOLDED)).toEqual({
      days: { from: 48, to: 72 },
      hours: [
        { from: 26, to: 48 },
        { from: 72, to: 73 },
      ],
      partial: [
        { from: at(25, 30), to: at(26) },
        { from: at(73), to: at(73, 10) },
      ],
    });
  });

  it('reads days not folded into day rows yet as hours', () => {
    const edges = [
      { from: at(25, 30), to: at(26) },
      { from: at(73), to: at(73, 10) },
    ];
    expect(timeSegments(at(25, 30), at(73, 10), null)).toEqual({ days: null, hours: [{ from: 26, to: 73 }], partial: edges });
    expect(timeSegments(at(25, 30), at(73, 10), 48)).toEqual({
      days: null,
      hours: [
        { from: 26, to: 48 },
        { from: 48, to: 72 },
        { from: 72, to: 73 },
      ],
      partial: edges,
    });
    expect(timeSegments(at(25, 30), at(97, 10), 72)).toEqual({
      days: { from: 48, to: 72 },
      hours: [
        { from: 26, to: 48 },
        { from: 72, to: 96 },
        { from: 96, to: 97 },
      ],
      partial: [
        { from: at(25, 30), to: at(26) },
        { from: at(97), to: at(97, 10) },
      ],
    });
    expect(timeSegments(undefined, undefined, 48)).toEqual({ days: { from: null, to: 48 }, hours: [{ from: 48, to: null }], partial: [] });
    expect(timeSegments(undefined, undefined, null)).toEqual({ days: null, hours: [{ from: null, to: null }], partial: [] });
  });

  it('keeps open ends open and aligned ends whole', () => {
    expect(timeSegments(undefined, undefined, ALL_FOLDED)).toEqual({
      days: { from: null, to: ALL_FOLDED },
      hours: [{ from: ALL_FOLDED, to: null }],
      partial: [],
    });
    expect(timeSegments(at(24), at(48), ALL_FOLDED)).toEqual({ days: { from: 24, to: 48 }, hours: [], partial: [] });
    expect(timeSegments(undefined, at(30), ALL_FOLDED)).toEqual({
      days: { from: null, to: 24 },
      hours: [{ from: 24, to: 30 }],
      partial: [],
    });
  });

  it('uses hours alone within a day, and the calls alone within an hour', () => {
    expect(timeSegments(at(23), at(25), ALL_FOLDED)).toEqual({ days: null, hours: [{ from: 23, to: 25 }], partial: [] });
    expect(timeSegments(at(23, 55), at(24, 25), ALL_FOLDED)).toEqual({
      days: null,
      hours: [],
      partial: [{ from: at(23, 55), to: at(24, 25) }],
    });
    expect(timeSegments(at(5, 10), at(5, 20), ALL_FOLDED)).toEqual({
      days: null,
      hours: [],
      partial: [{ from: at(5, 10), to: at(5, 20) }],
    });
    expect(timeSegments(at(5, 20), at(5, 10), ALL_FOLDED)).toEqual({ days: null, hours: [], partial: [] });
  });
});
