/** What deciding duplicates needs to know of a call. */
export interface CallLink {
  readonly spanId: string;
  readonly vocabulary: string;
  readonly model: string | null;
  readonly requestModel: string | null;
  readonly inputTokens: number | null;
  /** The provider's response id or the gateway's request id. */
  readonly requestId: string | null;
}

/** Vocabularies that record calls as a gateway sees them. */
export const GATEWAY_VOCABULARIES: ReadonlySet<string> = new Set(['plano', 'racto']);

/**
 * Which calls of one trace repeat another's usage, so it is counted once. A call nested under
 * another call (its nearest ancestor span that is a call) is the same model call seen twice
 * when either is a gateway's record, both carry the same response or request id, or both name
 * the same model — an app's span and the gateway's, or two instrumentations wrapping one
 * client call. Of such a pair the one with
 * token counts counts (the outer one when both or neither have them); the other is returned
 * mapped to the span of the one that counts. `parentOf` gives every known span's parent.
 */
export function findDuplicates(calls: readonly CallLink[], parentOf: ReadonlyMap<string, string | null>): Map<string, string> {
  const bySpan = new Map(calls.map((c) => [c.spanId, c]));
  const duplicates = new Map<string, string>();
  for (const call of calls) {
    const outer = nearestCallAncestor(call.spanId, bySpan, parentOf);
    if (!outer || !sameCall(outer, call)) continue;
    const [keep, drop] = call.inputTokens !== null && outer.inputTokens === null ? [call, outer] : [outer, call];
    duplicates.set(drop.spanId, keep.spanId);
  }
  // Chains (a gateway under a duplicate under a call) point at the call that finally counts.
  for (const [drop, keep] of duplicates) {
    let target = keep;
    for (let hops = 0; duplicates.has(target) && hops < 32; hops++) target = duplicates.get(target) as string;
    duplicates.set(drop, target);
  }
  return duplicates;
}

function nearestCallAncestor(
  spanId: string,
  calls: ReadonlyMap<string, CallLink>,
  parentOf: ReadonlyMap<string, string | null>,
): CallLink | null {
  const seen = new Set<string>([spanId]);
  let current = parentOf.get(spanId) ?? null;
  while (current !== null && !seen.has(current)) {
    const call = calls.get(current);
    if (call) return call;
    seen.add(current);
    current = parentOf.get(current) ?? null;
  }
  return null;
}

function sameCall(a: CallLink, b: CallLink): boolean {
  if (a.requestId !== null && a.requestId === b.requestId) return true;
  if (GATEWAY_VOCABULARIES.has(a.vocabulary) !== GATEWAY_VOCABULARIES.has(b.vocabulary)) return true;
  const names = (c: CallLink) => [c.model, c.requestModel].filter((n): n is string => !!n).map((n) => n.toLowerCase());
  const an = names(a);
  return names(b).some((n) => an.some((m) => m === n || m.startsWith(`${n}-`) || n.startsWith(`${m}-`)));
}
