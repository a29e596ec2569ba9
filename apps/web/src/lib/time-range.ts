/** Time ranges a list or dashboard can show; `start` is what the API takes (a duration before now). */
export const RANGES = [
  { value: '15m', label: 'Last 15 minutes' },
  { value: '1h', label: 'Last hour' },
  { value: '6h', label: 'Last 6 hours' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'all', label: 'All time' },
] as const;

export type RangeValue = (typeof RANGES)[number]['value'];

export function isRange(v: string | undefined): v is RangeValue {
  return RANGES.some((r) => r.value === v);
}

/** The range a page shows when its URL names none. */
export const DEFAULT_RANGE: RangeValue = '24h';

/** The `range` a page puts in its URL for a pick: none for the default, so plain links stay plain. */
export function rangeParam(range: RangeValue): RangeValue | undefined {
  return range === DEFAULT_RANGE ? undefined : range;
}

/** The API's `start` for a range (none for all time). */
export function startOf(range: RangeValue): string | undefined {
  return range === 'all' ? undefined : range;
}

/** The range in milliseconds (null for all time). */
export function rangeMs(range: RangeValue): number | null {
  const m = /^(\d+)([mhd])$/.exec(range);
  if (!m) return null;
  const n = Number(m[1]);
  return n * (m[2] === 'm' ? 60_000 : m[2] === 'h' ? 3_600_000 : 86_400_000);
}

/** Most daily buckets a chart of all time asks for (the series API's limit is 1,000). */
const MOST_DAYS = 999;

/**
 * Where charts of all time start, as the series API's `start`: the day (UTC) of the oldest
 * call, never more than {@link MOST_DAYS} days back; the last year when it is not known (no
 * calls, or the request for it failed).
 */
export function allTimeStart(oldestCall: string | undefined, now = Date.now()): string {
  const earliest = now - MOST_DAYS * 86_400_000;
  const at = oldestCall === undefined ? Number.NaN : Date.parse(oldestCall);
  if (Number.isNaN(at)) return '365d';
  const day = new Date(Math.max(at, earliest));
  day.setUTCHours(0, 0, 0, 0);
  return day.toISOString();
}
