/** What one copy of a call may know that another copy of the same call does not. */
export interface CopyFields {
  readonly sessionId: string | null;
  readonly userId: string | null;
  readonly ttftMs: number | null;
  readonly route: string | null;
}

/**
 * The fields the counted copy of a call lacks (null) and one of its duplicates has — a
 * gateway's span and the app's span of one call each know something the other does not
 * (the app its session and TTFT, the gateway its route) — taken from the earliest duplicate
 * that has each. Null when the counted copy lacks nothing its duplicates have.
 */
export function fieldsFromCopies(counted: CopyFields, copies: readonly CopyFields[]): Partial<CopyFields> | null {
  let fill: Partial<{ -readonly [K in keyof CopyFields]: CopyFields[K] }> | null = null;
  for (const key of ['sessionId', 'userId', 'ttftMs', 'route'] as const) {
    if (counted[key] !== null) continue;
    const from = copies.find((c) => c[key] !== null);
    if (!from) continue;
    fill ??= {};
    (fill as Record<string, unknown>)[key] = from[key];
  }
  return fill;
}

/** The duplicates of each counted call, by the counted call's span (`duplicates` maps a copy to the call that counts). */
export function copiesByCounted<K, C extends { readonly spanId: K }>(calls: Iterable<C>, duplicates: ReadonlyMap<K, K>): Map<K, C[]> {
  const copiesOf = new Map<K, C[]>();
  for (const c of calls) {
    const of = duplicates.get(c.spanId);
    if (of === undefined) continue;
    const copies = copiesOf.get(of);
    if (copies) copies.push(c);
    else copiesOf.set(of, [c]);
  }
  return copiesOf;
}
