import { isoToNanos, msToNanos, normalizeHexId } from '@sightline/core';
import { badRequest } from '../http/http-error.js';

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

  number(name: string, min = Number.NEGATIVE_INFINITY): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || text.trim() === '') throw badRequest(`query parameter "${name}" must be a number, got "${text}"`);
    if (n < min) throw badRequest(`query parameter "${name}" must be at least ${min}, got ${n}`);
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
   * `7d` (units s, m, h, d, w).
   */
  time(name: string, now: () => number = Date.now): bigint | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const relative = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/.exec(text);
    if (relative) {
      const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 }[relative[2] as 's' | 'm' | 'h' | 'd' | 'w'];
      return msToNanos(now() - Number(relative[1]) * unit);
    }
    const ns = isoToNanos(text);
    if (ns === null)
      throw badRequest(`query parameter "${name}" must be an ISO-8601 time or a duration before now like 15m or 2h, got "${text}"`);
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
  if (id === null) throw badRequest(`${what} must be ${chars} hex characters, got "${text}"`);
  return id;
}
