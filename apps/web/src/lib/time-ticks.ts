const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Steps a timeline's ticks may take: 1-2-5 below a second, then the steps a clock has. */
const STEPS = [
  ...[-3, -2, -1, 0, 1, 2].flatMap((e) => [1, 2, 5].map((m) => m * 10 ** e)),
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
];

/**
 * Ticks for a timeline of `totalMs`: 0 and whole multiples of the smallest round step that
 * leaves at most `most` of them after 0 (1 min, 2 min, … rather than 1m 22s, 2m 44s, …).
 */
export function durationTicks(totalMs: number, most = 5): number[] {
  if (!(totalMs > 0)) return [0];
  const step = STEPS.find((s) => Math.floor(totalMs / s) <= most) ?? Math.ceil(totalMs / most / (24 * HOUR)) * 24 * HOUR;
  const ticks: number[] = [];
  for (let i = 0; i * step <= totalMs * (1 + 1e-9); i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}
