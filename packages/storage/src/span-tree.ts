import { type AnyValue, type Attributes, newAttributes } from '@sightline/core';
import type { SpanTreeNode, StoredSpan, TreeLayout } from './results.js';

/**
 * Nests `spans` (one trace, any order) under the span `rootId`, keeping `maxDepth` levels of
 * descendants (all when undefined) and, when `attributeKeys` is given, only those attributes.
 * Children are ordered by start time. Returns null when `rootId` is not among the spans.
 */
export function buildSpanTree(
  spans: readonly StoredSpan[],
  rootId: string,
  maxDepth?: number,
  attributeKeys?: readonly string[],
): SpanTreeNode | null {
  const root = spans.find((s) => s.spanId === rootId);
  if (!root) return null;
  const children = new Map<string, StoredSpan[]>();
  for (const span of spans) {
    if (span.parentSpanId === null || span.spanId === rootId) continue;
    let list = children.get(span.parentSpanId);
    if (!list) children.set(span.parentSpanId, (list = []));
    list.push(span);
  }
  const project = (span: StoredSpan): StoredSpan =>
    attributeKeys ? { ...span, attributes: pickAttributes(span.attributes, attributeKeys) } : span;
  // Iterative, so a 10,000-level chain cannot exhaust the stack; `seen` guards against cycles.
  const seen = new Set<string>([root.spanId]);
  const top: SpanTreeNode = { span: project(root), children: [] };
  const queue: [SpanTreeNode, number][] = [[top, 0]];
  for (let i = 0; i < queue.length; i++) {
    const [node, depth] = queue[i] as [SpanTreeNode, number];
    if (maxDepth !== undefined && depth >= maxDepth) continue;
    const kids = (children.get(node.span.spanId) ?? []).filter((k) => !seen.has(k.spanId));
    kids.sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0));
    for (const kid of kids) {
      seen.add(kid.spanId);
      const child: SpanTreeNode = { span: project(kid), children: [] };
      node.children.push(child);
      queue.push([child, depth + 1]);
    }
  }
  return top;
}

/** Only the given keys of an attribute map (absent keys stay absent). */
export function pickAttributes(attributes: Attributes, keys: readonly string[]): Attributes {
  const out = newAttributes();
  for (const key of keys) if (Object.hasOwn(attributes, key)) out[key] = attributes[key] as AnyValue;
  return out;
}

/** A span's place in its trace: what laying out a tree needs. */
export interface SpanPlace {
  readonly key: number;
  readonly spanId: string;
  readonly parentSpanId: string | null;
}

/**
 * The tree under `rootId` as {@link buildSpanTree} nests it, depth first, as keys and depths:
 * `places` come in start-time order (ties in storage order), which children keep. Iterative,
 * with the same guard against ids that repeat. Null when `rootId` is not among them.
 */
export function treeLayout(places: readonly SpanPlace[], rootId: string, maxDepth?: number): TreeLayout | null {
  const root = places.find((p) => p.spanId === rootId);
  if (!root) return null;
  const children = new Map<string, SpanPlace[]>();
  for (const place of places) {
    if (place.parentSpanId === null || place.spanId === rootId) continue;
    const list = children.get(place.parentSpanId);
    if (list) list.push(place);
    else children.set(place.parentSpanId, [place]);
  }
  const keys: number[] = [];
  const depths: number[] = [];
  const seen = new Set<string>([root.spanId]);
  const stack: [SpanPlace, number][] = [[root, 0]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [place, depth] = top;
    keys.push(place.key);
    depths.push(depth);
    if (maxDepth !== undefined && depth >= maxDepth) continue;
    const kids = (children.get(place.spanId) ?? []).filter((k) => !seen.has(k.spanId));
    for (const kid of kids) seen.add(kid.spanId);
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i] as SpanPlace, depth + 1]);
  }
  return { keys, depths };
}
