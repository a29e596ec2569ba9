import { type CallLink, GATEWAY_VOCABULARIES, sameModel } from './call-link.js';
import { findSideBySide } from './side-by-side-duplicates.js';

export { type CallLink, GATEWAY_VOCABULARIES } from './call-link.js';

/**
 * Which calls of one trace repeat another's usage, so it is counted once. A call nested under
 * another call (its nearest ancestor span that is a call) is the same model call seen twice
 * when either is a gateway's record, both carry the same response or request id, or both name
 * the same model — an app's span and the gateway's, or two instrumentations wrapping one
 * client call. Of such a pair the one with
 * token counts counts (the outer one when both or neither have them); the other is returned
 * mapped to the span of the one that counts. `parentOf` gives every known span's parent.
 *
 * Calls whose `role` is known are also matched side by side (see `findSideBySide`): a
 * framework's and a client's record of one call that are not nested, and Logfire's record of
 * a streamed response beside its request span. The answer depends only on the calls and
 * parents given, not on their order, so it is the same however a trace's spans arrive.
 */
export function findDuplicates<K>(calls: readonly CallLink<K>[], parentOf: ReadonlyMap<K, K | null>): Map<K, K> {
  const bySpan = new Map(calls.map((c) => [c.spanId, c]));
  const nearest = new NearestCall(bySpan, parentOf);
  const duplicates = new Map<K, K>();
  for (const call of calls) {
    const outer = nearest.above(call.spanId);
    if (!outer || outer === call || !sameCall(outer, call)) continue;
    const [keep, drop] = call.inputTokens !== null && outer.inputTokens === null ? [call, outer] : [outer, call];
    duplicates.set(drop.spanId, keep.spanId);
  }
  if (calls.some((c) => c.role)) findSideBySide(calls, bySpan, parentOf, duplicates);
  // Chains (a gateway under a duplicate under a call) point at the call that finally counts.
  for (const [drop, keep] of duplicates) {
    let target = keep;
    for (let hops = 0; duplicates.has(target) && hops < 32; hops++) target = duplicates.get(target) as K;
    duplicates.set(drop, target);
  }
  return duplicates;
}

/** Deeper than this, a parent chain is taken to loop (ids that repeat) and the walk stops. */
const MAX_DEPTH = 10_000;

/**
 * The nearest call at or above each span, remembered for every span a walk passes, so a
 * trace's calls are placed in time linear in its spans however deep its chains.
 */
class NearestCall<K> {
  private readonly memo = new Map<K, CallLink<K> | null>();

  constructor(
    private readonly calls: ReadonlyMap<K, CallLink<K>>,
    private readonly parentOf: ReadonlyMap<K, K | null>,
  ) {}

  /** The nearest call among the ancestors of `spanId`, or null. */
  above(spanId: K): CallLink<K> | null {
    const parent = this.parentOf.get(spanId) ?? null;
    return parent === null ? null : this.atOrAbove(parent);
  }

  private atOrAbove(spanId: K): CallLink<K> | null {
    const path: K[] = [];
    const onPath = new Set<K>();
    let current: K | null = spanId;
    let found: CallLink<K> | null = null;
    while (current !== null) {
      const known = this.memo.get(current);
      if (known !== undefined) {
        found = known;
        break;
      }
      const call = this.calls.get(current);
      if (call) {
        found = call;
        break;
      }
      // A loop of ids, or a chain too deep to trust: no call above.
      if (onPath.has(current) || path.length >= MAX_DEPTH) break;
      path.push(current);
      onPath.add(current);
      current = this.parentOf.get(current) ?? null;
    }
    for (const span of path) this.memo.set(span, found);
    return found;
  }
}

function sameCall<K>(a: CallLink<K>, b: CallLink<K>): boolean {
  if (GATEWAY_VOCABULARIES.has(a.vocabulary) !== GATEWAY_VOCABULARIES.has(b.vocabulary)) return true;
  return sameModel(a, b);
}
