const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;

/**
 * Nanoseconds since the epoch as an ISO-8601 UTC string with all nine fraction digits.
 * Example: `nanosToIso(1700000000123456789n) === '2023-11-14T22:13:20.123456789Z'`.
 */
export function nanosToIso(ns: bigint): string {
  let seconds = ns / NS_PER_S;
  let fraction = ns % NS_PER_S;
  if (fraction < 0n) {
    fraction += NS_PER_S;
    seconds -= 1n;
  }
  const whole = new Date(Number(seconds) * 1000).toISOString(); // 'YYYY-MM-DDTHH:MM:SS.000Z'
  return `${whole.slice(0, -4)}${fraction.toString().padStart(9, '0')}Z`;
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses an ISO-8601 timestamp keeping up to nanosecond precision. A timestamp without a zone
 * is taken as UTC. Returns null when the text is not a timestamp.
 * Example: `isoToNanos('2023-11-14T22:13:20.123456789Z') === 1700000000123456789n`.
 */
export function isoToNanos(text: string): bigint | null {
  const m = ISO_RE.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  // Not Date.UTC: it reads years 0000–0099 as 1900–1999.
  const check = new Date(0);
  check.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  check.setUTCHours(Number(h), Number(mi), Number(s));
  const ms = check.getTime();
  if (Number.isNaN(ms)) return null;
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  const fractionNs = BigInt(frac.padEnd(9, '0') || '0');
  return (BigInt(ms) - BigInt(offsetMinutes) * 60_000n) * NS_PER_MS + fractionNs;
}

/** Milliseconds between two nanosecond timestamps, as a double (sub-millisecond precision kept). */
export function nanosToMs(ns: bigint): number {
  const whole = ns / NS_PER_MS;
  const rest = ns % NS_PER_MS;
  return Number(whole) + Number(rest) / 1e6;
}

/**
 * Milliseconds since the epoch in nanoseconds. A double holding epoch milliseconds resolves
 * about a quarter of a microsecond, so the fraction is kept to whole microseconds.
 */
export function msToNanos(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * NS_PER_MS + BigInt(Math.round((ms - whole) * 1e3)) * 1000n;
}
