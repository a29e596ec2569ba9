/**
 * Series colours in the order series take them. Neighbours differ in hue, so the series a chart
 * most often puts side by side — input and output, p50 and p95, the two biggest models — are never
 * two shades of one colour.
 */
export const SERIES_COLORS = ['#6366f1', '#f59e0b', '#06b6d4', '#ec4899', '#10b981', '#8b5cf6', '#84cc16'] as const;

/** Failures are red, and no other series is. */
export const ERROR_COLOR = '#ef4444';

/** What is summed beyond the top series ("other") is grey, wherever it falls. */
export const OTHER_COLOR = '#94a3b8';

/** The colour of the `index`th series of a chart. */
export function seriesColor(index: number, other = false): string {
  return other ? OTHER_COLOR : (SERIES_COLORS[index % SERIES_COLORS.length] as string);
}

/** Hues far apart from one another, for series that keep their colour by name. */
const KEYED_COLORS = ['#6366f1', '#f59e0b', '#06b6d4', '#ec4899', '#10b981'] as const;

/**
 * A colour per named series (a model, a provider) that stays with its name from one range to
 * the next, whatever its rank: each name prefers the colour its hash picks, and takes the next
 * free one when another name of the chart has it (so the same names always share out the colours
 * alike). Past the five hues, names share them.
 */
export function keyedColors(keys: readonly string[]): string[] {
  // Names take their colours in name order, not rank order: the same names get the same colours.
  const taken = new Set<number>();
  const byName = new Map<string, string>();
  for (const key of [...keys].sort()) {
    let h = 0;
    for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
    let slot = Math.abs(h) % KEYED_COLORS.length;
    for (let tries = 0; tries < KEYED_COLORS.length && taken.has(slot); tries++) slot = (slot + 1) % KEYED_COLORS.length;
    taken.add(slot);
    byName.set(key, KEYED_COLORS[slot] as string);
  }
  return keys.map((key) => byName.get(key) as string);
}
