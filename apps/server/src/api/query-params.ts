import { isoToNanos, msToNanos, nanosToIso, normalizeHexId } from '@sightline/core';
import { badRequest } from '../http/http-error.js';

/** The latest time the store can hold: times are nanoseconds since 1970 in a signed 64-bit integer. */
const MAX_TIME_NS = 2n ** 63n - 1n;

/** The longest a stored span can last, in ms (about 292 years): larger duration filters cannot be stored or compared. */
export const MAX_DURATION_MS = Number(MAX_TIME_NS / 1_000_000n);

/** A cost filter beyond any plausible spend, so a typo like `1e308` is an error rather than an empty page. */
export const MAX_COST_USD = 1_000_000_000;

/**
 * Reads query-string parameters, each with a 400 naming the parameter when it is malformed.
 * `check` refuses parameters the route does not know, so a typo is an error, not a no-op.
 */
export class QueryParams {
  private readonly used = new Set<string>();

  constructor(private readonly params: URLSearchParams) {}

  string(name: string): string | undefined {
    this.used.add(name);
    const values = this.params.getAll(name);
    if (values.length > 1) throw badRequest(`query parameter "${name}" is given more than once`);
    const value = values[0];
    return value === undefined || value === '' ? undefined : value;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    if (!/^-?\d+$/.test(text)) throw badRequest(`query parameter "${name}" must be an integer, got "${text}"`);
    const n = Number(text);
    if (n < min || n > max) throw badRequest(`query parameter "${name}" must be between ${min} and ${max}, got ${n}`);
    return n;
  }

  number(name: string, min: number, max: number): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || text.trim() === '') throw badRequest(`query parameter "${name}" must be a number, got "${text}"`);
    if (n < min) throw badRequest(`query parameter "${name}" must be at least ${min}, got ${n}`);
    if (n > max) throw badRequest(`query parameter "${name}" must be at most ${max}, got ${n}`);
    return n;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(text))
      throw badRequest(`query parameter "${name}" must be one of ${allowed.join(', ')}, got "${text}"`);
    return text as T;
  }

  /**
   * A point in time: an ISO-8601 timestamp, or a duration before now such as `15m`, `2h`,
   * `7d` (units s, m, h, d, w). It must fall within what the store can hold, 1970 to 2262.
   */
  time(name: string, now: () => number = Date.now): bigint | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const outOfRange = () =>
      badRequest(`query parameter "${name}" must be between ${nanosToIso(0n)} and ${nanosToIso(MAX_TIME_NS)}, got "${text}"`);
    const relative = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/.exec(text);
    let ns: bigint | null;
    if (relative) {
      const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 }[relative[2] as 's' | 'm' | 'h' | 'd' | 'w'];
      const ms = now() - Number(relative[1]) * unit;
      if (!Number.isFinite(ms)) throw outOfRange();
      ns = msToNanos(ms);
    } else {
      ns = isoToNanos(text);
      if (ns === null)
        throw badRequest(`query parameter "${name}" must be an ISO-8601 time or a duration before now like 15m or 2h, got "${text}"`);
    }
    if (ns < 0n || ns > MAX_TIME_NS) throw outOfRange();
    return ns;
  }

  /** Names of parameters starting with `prefix` (used for `attr.<key>` filters). */
  withPrefix(prefix: string): [string, string][] {
    const out: [string, string][] = [];
    for (const [name, value] of this.params) {
      if (name.startsWith(prefix)) {
        this.used.add(name);
        out.push([name.slice(prefix.length), value]);
      }
    }
    return out;
  }

  /** Refuses any parameter that was not read. */
  check(): void {
    for (const name of this.params.keys()) {
      if (!this.used.has(name)) throw badRequest(`unknown query parameter "${name}"`);
    }
  }
}

/**
 * An id given as hex, lowercased; a 400 when it is not `chars` hex characters. `what` names it
 * in the message: `path parameter "span_id"`, `query parameter "trace_id"`.
 */
export function hexIdParam(what: string, text: string, chars: 16 | 32): string {
  const id = normalizeHexId(text, chars);
  if (id === null) {
    const zeros = new RegExp(`^0{${chars}}$`).test(text);
    throw badRequest(
      zeros ? `${what} is all zeros, which OTLP reserves for "no id"` : `${what} must be ${chars} hex characters, got "${text}"`,
    );
  }
  return id;
}
