/**
 * The latest time Sightline stores: 2^63 − 1 ns after the epoch (2262-04-11T23:47:16.854775807Z),
 * the most a signed 64-bit nanosecond column holds. OTLP sends unsigned 64-bit times, so a
 * sender can name later ones; they are refused rather than wrapped into the past.
 */
export const MAX_TIME_NS = 2n ** 63n - 1n;

/**
 * Why `ns` cannot be stored as the time named `field`, or null when it can: times are
 * nanoseconds since the epoch, from 1970 to 2262. Zero ("not set") is in range; whether a
 * time may be unset is the caller's rule.
 * Example: `timeRangeProblem('start_time_unix_nano', -1n)` → `'start_time_unix_nano is before 1970 (-1 ns)'`.
 */
export function timeRangeProblem(field: string, ns: bigint): string | null {
  if (ns < 0n) return `${field} is before 1970 (${ns} ns)`;
  if (ns > MAX_TIME_NS) return `${field} is after 2262-04-11, the latest time stored (${ns} ns)`;
  return null;
}
