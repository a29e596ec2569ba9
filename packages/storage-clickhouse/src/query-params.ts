/** Query parameters without the ones left out (the query does not name them). */
export function definedOnly(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
}

/**
 * The parameters of one query being built: each value gets a placeholder of its own
 * (`{p0:String}`), so no value a client sent is ever part of the SQL text.
 */
export class SqlParams {
  readonly values: Record<string, unknown> = {};
  private next = 0;

  /** The placeholder of `value` as ClickHouse type `type`. */
  add(value: unknown, type: string): string {
    const name = `p${this.next++}`;
    // Big integers as text; so too whole numbers past 2^53 (a cursor's 1e308: the client refuses them as numbers).
    const text = typeof value === 'bigint' || (typeof value === 'number' && !Number.isSafeInteger(value) && Number.isInteger(value));
    this.values[name] = text ? String(value) : value;
    return `{${name}:${type}}`;
  }
}

/** A nullable number column as JSONEachRow gives it (64-bit integers as text) as a number or null. */
export function numberOrNull(v: string | number | null): number | null {
  return v === null ? null : Number(v);
}
