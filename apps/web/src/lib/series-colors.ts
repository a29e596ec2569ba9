/**
 * Series colours in the order series take them. Neighbours differ in hue, so the series a chart
 * most often puts side by side — input and output, p50 and p95, the two biggest models — are never
 * two shades of one colour; and no two are as close as violet is to the first's indigo.
 */
export const SERIES_COLORS = ['#6366f1', '#f59e0b', '#06b6d4', '#ec4899', '#10b981', '#a21caf', '#84cc16'] as const;

/** Failures are red, and no other series is. */
export const ERROR_COLOR = '#ef4444';

/** What is summed beyond the top series ("other") is grey, wherever it falls. */
export const OTHER_COLOR = '#94a3b8';

/** The colour of the `index`th series of a chart. */
export function seriesColor(index: number, other = false): string {
  return other ? OTHER_COLOR : (SERIES_COLORS[index % SERIES_COLORS.length] as string);
}

/**
 * A colour per named series (a model, a provider) that stays with its name from one range to
 * the next: the colour of the name's place in `ranking` — the names over all time, most calls
 * first — so the names a project uses most always wear the same, clearly different colours. A
 * name past the palette, or not ranked yet, takes one by its hash: the first from there that no
 * other of `names` wears, while the palette has one left.
 */
export function colorsByRank(ranking: readonly string[], names: readonly string[]): string[] {
  const colors = names.map((name) => {
    const rank = ranking.indexOf(name);
    return rank >= 0 && rank < SERIES_COLORS.length ? (SERIES_COLORS[rank] as string) : null;
  });
  const worn = new Set(colors);
  return names.map((name, n) => {
    const ranked = colors[n];
    if (ranked) return ranked;
    let h = 0;
    for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
    let pick = SERIES_COLORS[Math.abs(h) % SERIES_COLORS.length] as string;
    for (let k = 0; k < SERIES_COLORS.length && worn.has(pick); k++)
      pick = SERIES_COLORS[(Math.abs(h) + k + 1) % SERIES_COLORS.length] as string;
    worn.add(pick);
    return pick;
  });
}
