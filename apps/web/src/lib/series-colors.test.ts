import { describe, expect, it } from 'vitest';
import { colorsByRank, ERROR_COLOR, OTHER_COLOR, SERIES_COLORS, seriesColor } from './series-colors';

/** Hue (degrees) and saturation (0–1) of a #rrggbb colour. */
function hsl(hex: string): { hue: number; saturation: number } {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  const l = (max + min) / 2;
  const saturation = d === 0 ? 0 : d / (1 - Math.abs(2 * l - 1));
  let hue = 0;
  if (d > 0) hue = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return { hue: (hue * 60 + 360) % 360, saturation };
}

const hueGap = (a: string, b: string) => {
  const d = Math.abs(hsl(a).hue - hsl(b).hue);
  return Math.min(d, 360 - d);
};

describe('series colours', () => {
  it('gives series side by side clearly different hues (input and output, p50 and p95, the top models)', () => {
    for (let i = 0; i < SERIES_COLORS.length * 2; i++) expect(hueGap(seriesColor(i), seriesColor(i + 1))).toBeGreaterThanOrEqual(40);
    // The first two are what two-series charts show: far apart.
    expect(hueGap(seriesColor(0), seriesColor(1))).toBeGreaterThanOrEqual(90);
  });

  it('shows “other” in grey wherever it falls, and no named series in grey', () => {
    for (let i = 0; i < 10; i++) expect(seriesColor(i, true)).toBe(OTHER_COLOR);
    expect(hsl(OTHER_COLOR).saturation).toBeLessThan(0.3);
    for (const c of SERIES_COLORS) expect(hsl(c).saturation).toBeGreaterThan(0.6);
  });

  it('gives every colour a hue of its own: no two within 25° (violet, 19° from indigo, was hard to tell apart)', () => {
    for (const [i, a] of SERIES_COLORS.entries())
      for (const b of SERIES_COLORS.slice(i + 1)) expect(hueGap(a, b), `${a} ${b}`).toBeGreaterThanOrEqual(25);
  });

  it('keeps red for failures: no named series looks like one', () => {
    for (const c of SERIES_COLORS) expect(hueGap(c, ERROR_COLOR)).toBeGreaterThanOrEqual(25);
  });
});

describe('colours kept by name', () => {
  it('follow a name’s rank over all time, whichever names a range shows and in what order', () => {
    const ranking = ['claude-sonnet-4-5', 'gpt-4o-mini', 'gemini-2.5-flash', 'gpt-4o', 'text-embedding-3-small'];
    const day = colorsByRank(ranking, ['gpt-4o-mini', 'claude-sonnet-4-5', 'gpt-4o']);
    const hour = colorsByRank(ranking, ['gpt-4o', 'gemini-2.5-flash', 'gpt-4o-mini']);
    expect(hour[2]).toBe(day[0]);
    expect(hour[0]).toBe(day[2]);
    // The most used names wear the palette's first, farthest-apart colours, all different.
    const all = colorsByRank(ranking, ranking);
    expect(all.slice(0, 2)).toEqual([seriesColor(0), seriesColor(1)]);
    expect(new Set(all).size).toBe(ranking.length);
    // A name not ranked still gets a colour of the palette, never grey.
    expect(SERIES_COLORS).toContain(colorsByRank(ranking, ['new-model'])[0]);
  });

  it('never gives a name past the ranking a colour another name beside it wears, while the palette has one free', () => {
    const ranking = ['claude-sonnet-4-5', 'gemini-2.5-flash', 'gpt-4o-mini', 'text-embedding-3-small', 'claude-haiku-4-5', 'gpt-4o', 'o1'];
    for (const extra of ['o3-mini', 'o4-mini', 'mistral-large', 'llama-3.3-70b', 'a', 'b', 'c']) {
      const colors = colorsByRank(ranking, [...ranking.slice(0, 5), extra, 'another-new-one']);
      expect(new Set(colors).size).toBe(7);
    }
    // More names than colours over two charts: a colour is worn twice only in different charts.
    const calls = [...ranking.slice(0, 2), 'text-embedding-3-large', 'gpt-4.1-nano', 'mistral-small'];
    const cost = [...ranking.slice(0, 2), 'o3-mini', 'gpt-4.1', 'claude-opus-4'];
    const shown = [...new Set([...calls, ...cost])];
    const colorOf = new Map(colorsByRank(ranking, shown, [calls, cost]).map((c, i) => [shown[i], c]));
    for (const chart of [calls, cost]) expect(new Set(chart.map((n) => colorOf.get(n))).size, chart.join()).toBe(chart.length);
    // Past the palette's size, colours repeat rather than fail.
    expect(colorsByRank(ranking, [...ranking, 'one-more'])).toHaveLength(8);
  });
});
