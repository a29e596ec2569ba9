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
 * other of `names` wears while the palette has one left, else the first that no name in a chart
 * of its (`charts`: the names each chart shows; by default one chart of all) wears — so with
 * more names than colours, a colour is worn twice only in different charts.
 */
export function colorsByRank(
  ranking: readonly string[],
  names: readonly string[],
  charts: readonly (readonly string[])[] = [names],
): string[] {
  const color = new Map<string, string>();
  for (const name of names) {
    const rank = ranking.indexOf(name);
    if (rank >= 0 && rank < SERIES_COLORS.length) color.set(name, SERIES_COLORS[rank] as string);
  }
  const wornBy = (among: Iterable<string>) => new Set([...among].map((n) => color.get(n)));
  for (const name of names) {
    if (color.has(name)) continue;
    let h = 0;
    for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
    const from = Math.abs(h);
    const free = (worn: Set<string | undefined>) =>
      SERIES_COLORS.map((_, k) => SERIES_COLORS[(from + k) % SERIES_COLORS.length] as string).find((c) => !worn.has(c));
    const beside = charts.filter((chart) => chart.includes(name)).flat();
    color.set(name, free(wornBy(color.keys())) ?? free(wornBy(beside)) ?? (SERIES_COLORS[from % SERIES_COLORS.length] as string));
  }
  return names.map((name) => color.get(name) as string);
}
