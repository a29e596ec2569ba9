import { type CallLink, GATEWAY_VOCABULARIES, sameModel } from './call-link.js';

/** Deeper than this, a parent chain is taken to loop and the walk stops. */
const MAX_DEPTH = 10_000;
const NS_PER_MS = 1e6;

interface Timed<K> {
  readonly call: CallLink<K>;
  readonly start: bigint;
  readonly end: bigint;
}

/**
 * Adds to `duplicates` (drop → keep, as `findDuplicates` builds it) the calls of one trace
 * that repeat another's usage without either being nested in the other — both need a known
 * `role`:
 *
 * - Logfire's record of a streamed response (`stream-end`) and the client span of its request
 *   — siblings, the request begun before the stream ended — are one call. The record counts
 *   (it carries the response and the time the stream took) unless only the request has token
 *   counts.
 * - A framework's record and a client's record of the same model whose times overlap — two
 *   instrumentations of one client whose spans came out side by side — are one call. As for a
 *   nested pair, the one with token counts counts, the framework's (which would have been the
 *   outer one) when both or neither have them.
 *
 * Calls already taken as duplicates are left out, and so is a call that already absorbed a
 * nested record of another role: a framework span over its own client span is not also the
 * record of a client call made beside it. Where records could pair in more than one way, the
 * closest in time pair first; ties go by span id, so the answer does not depend on the order
 * of `calls`.
 */
export function findSideBySide<K>(
  calls: readonly CallLink<K>[],
  bySpan: ReadonlyMap<K, CallLink<K>>,
  parentOf: ReadonlyMap<K, K | null>,
  duplicates: Map<K, K>,
): void {
  const spent = new Set<K>();
  for (const [drop, keep] of duplicates) {
    const d = bySpan.get(drop);
    const k = bySpan.get(keep);
    if (d && k && (d.role ?? null) !== (k.role ?? null) && !GATEWAY_VOCABULARIES.has(d.vocabulary)) spent.add(keep);
  }
  const free = (c: CallLink<K>) => !duplicates.has(c.spanId) && !spent.has(c.spanId);
  const timed: Timed<K>[] = [];
  for (const call of calls) {
    if (!call.role || !free(call)) continue;
    const ms = Number.isFinite(call.durationMs) ? Math.max(0, call.durationMs) : 0;
    const length = BigInt(Math.round(ms * NS_PER_MS));
    // A stream's end record is sent when the stream ends: it ran for its duration before that.
    const [start, end] = call.role === 'stream-end' ? [call.timestamp - length, call.timestamp] : [call.timestamp, call.timestamp + length];
    timed.push({ call, start, end });
  }
  timed.sort((a, b) => compare(a.start, b.start) || compareIds(a.call.spanId, b.call.spanId));
  pairStreamEnds(timed, parentOf, duplicates);
  pairFrameworkWithClient(
    timed.filter((t) => !duplicates.has(t.call.spanId)),
    parentOf,
    duplicates,
  );
}

/** Each stream-end record, earliest first, takes the latest request of its model begun before it ended. */
function pairStreamEnds<K>(timed: readonly Timed<K>[], parentOf: ReadonlyMap<K, K | null>, duplicates: Map<K, K>): void {
  const claimed = new Set<K>();
  const records = timed.filter((t) => t.call.role === 'stream-end').sort((a, b) => compare(a.end, b.end));
  for (const record of records) {
    const parent = parentOf.get(record.call.spanId) ?? null;
    let request: Timed<K> | null = null;
    for (const t of timed) {
      const c = t.call;
      if (c.role !== 'client' || claimed.has(c.spanId) || t.start > record.end) continue;
      if ((parentOf.get(c.spanId) ?? null) !== parent || !sameModel(c, record.call)) continue;
      // `timed` is in start order: the last that fits began latest.
      request = t;
    }
    if (!request) continue;
    claimed.add(request.call.spanId);
    const onlyRequestHasTokens = request.call.inputTokens !== null && record.call.inputTokens === null;
    const [keep, drop] = onlyRequestHasTokens ? [request.call, record.call] : [record.call, request.call];
    duplicates.set(drop.spanId, keep.spanId);
  }
}

/** Pairs overlapping framework and client records of one model, neither above the other. */
function pairFrameworkWithClient<K>(timed: readonly Timed<K>[], parentOf: ReadonlyMap<K, K | null>, duplicates: Map<K, K>): void {
  const frameworks = timed.filter((t) => t.call.role === 'framework');
  const clients = timed.filter((t) => t.call.role === 'client' || t.call.role === 'stream-end');
  if (frameworks.length === 0 || clients.length === 0) return;
  const pairs: { f: Timed<K>; c: Timed<K>; inside: number; gap: bigint }[] = [];
  for (const f of frameworks) {
    for (const c of clients) {
      if (f.start > c.end || c.start > f.end || !sameModel(f.call, c.call)) continue;
      if (isAbove(f.call.spanId, c.call.spanId, parentOf) || isAbove(c.call.spanId, f.call.spanId, parentOf)) continue;
      const inside = f.start <= c.start && c.end <= f.end ? 0 : 1;
      pairs.push({ f, c, inside, gap: abs(f.start - c.start) + abs(f.end - c.end) });
    }
  }
  pairs.sort(
    (a, b) =>
      a.inside - b.inside ||
      compare(a.gap, b.gap) ||
      compareIds(a.f.call.spanId, b.f.call.spanId) ||
      compareIds(a.c.call.spanId, b.c.call.spanId),
  );
  const used = new Set<K>();
  for (const { f, c } of pairs) {
    if (used.has(f.call.spanId) || used.has(c.call.spanId)) continue;
    used.add(f.call.spanId);
    used.add(c.call.spanId);
    const onlyClientHasTokens = c.call.inputTokens !== null && f.call.inputTokens === null;
    const [keep, drop] = onlyClientHasTokens ? [c.call, f.call] : [f.call, c.call];
    duplicates.set(drop.spanId, keep.spanId);
  }
}

/** Whether `upper` is an ancestor of `span`. */
function isAbove<K>(upper: K, span: K, parentOf: ReadonlyMap<K, K | null>): boolean {
  let current = parentOf.get(span) ?? null;
  for (let depth = 0; current !== null && depth < MAX_DEPTH; depth++) {
    if (current === upper) return true;
    current = parentOf.get(current) ?? null;
  }
  return false;
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

function compareIds<K>(a: K, b: K): number {
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
