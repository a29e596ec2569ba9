import type { TraceOutlineJson } from '../api/types';

/**
 * A trace's tree, built once from its outline in time linear in its spans (no recursion: a
 * trace's depth is up to its sender). Nodes are the outline's span indexes.
 */
export interface TraceModel {
  readonly outline: TraceOutlineJson;
  readonly count: number;
  /** Nodes in depth-first order, children by start time; roots (and orphans) in start order. */
  readonly order: Int32Array;
  /** Each node's position in `order`. */
  readonly position: Int32Array;
  readonly depth: Int32Array;
  /** Nodes in each node's subtree, itself included. */
  readonly size: Int32Array;
  /** The parent a node hangs under here (-1 for roots; a parent that would make a loop is cut). */
  readonly parent: Int32Array;
  /** Sums over each subtree, counted calls only: input and output tokens, cost, calls, errors. */
  readonly sumInput: Float64Array;
  readonly sumOutput: Float64Array;
  readonly sumCost: Float64Array;
  readonly sumCalls: Int32Array;
  readonly sumErrors: Int32Array;
  /** Span end of the whole trace, in ms after its start. */
  readonly endMs: number;
}

export function buildTraceModel(outline: TraceOutlineJson): TraceModel {
  const s = outline.spans;
  const n = s.count;
  const firstChild = new Int32Array(n).fill(-1);
  const lastChild = new Int32Array(n).fill(-1);
  const nextSibling = new Int32Array(n).fill(-1);
  const parent = new Int32Array(n);
  // Spans come in start order, so appending keeps each node's children in start order.
  for (let i = 0; i < n; i++) {
    const p = s.parent[i] ?? -1;
    const pi = p >= 0 && p < n && p !== i ? p : -1;
    parent[i] = pi;
    if (pi < 0) continue;
    if (firstChild[pi] === -1) firstChild[pi] = i;
    else nextSibling[lastChild[pi] as number] = i;
    lastChild[pi] = i;
  }
  const order = new Int32Array(n);
  const position = new Int32Array(n).fill(-1);
  const depth = new Int32Array(n);
  let at = 0;
  const stack: number[] = [];
  const walk = (root: number) => {
    stack.push(root);
    depth[root] = 0;
    while (stack.length > 0) {
      const node = stack.pop() as number;
      if (position[node] !== -1) continue;
      position[node] = at;
      order[at++] = node;
      // Push children last-first so the first is visited first.
      const kids: number[] = [];
      for (let c = firstChild[node] as number; c !== -1; c = nextSibling[c] as number) kids.push(c);
      for (let k = kids.length - 1; k >= 0; k--) {
        const c = kids[k] as number;
        if (position[c] !== -1) continue;
        depth[c] = (depth[node] as number) + 1;
        stack.push(c);
      }
    }
  };
  for (let i = 0; i < n; i++) if (parent[i] === -1) walk(i);
  // Spans in a loop of parents are reached from no root: cut the loop where it is met.
  for (let i = 0; i < n; i++)
    if (position[i] === -1) {
      parent[i] = -1;
      walk(i);
    }
  const size = new Int32Array(n).fill(1);
  const sumInput = new Float64Array(n);
  const sumOutput = new Float64Array(n);
  const sumCost = new Float64Array(n);
  const sumCalls = new Int32Array(n);
  const sumErrors = new Int32Array(n);
  const c = outline.calls;
  let endMs = 0;
  for (let i = 0; i < n; i++) {
    const call = s.call[i] ?? -1;
    if (s.status[i] === 2) sumErrors[i] = 1;
    endMs = Math.max(endMs, (s.start_ms[i] ?? 0) + (s.duration_ms[i] ?? 0));
    if (call < 0 || !c.counted[call]) continue;
    sumInput[i] = c.input_tokens[call] ?? 0;
    sumOutput[i] = c.output_tokens[call] ?? 0;
    sumCost[i] = c.cost_usd[call] ?? 0;
    sumCalls[i] = 1;
  }
  // Children come after their parent in `order`: fold the sums upwards in reverse.
  for (let k = n - 1; k >= 0; k--) {
    const node = order[k] as number;
    const p = parent[node] as number;
    if (p < 0 || position[p] === -1 || (position[p] as number) > k) continue;
    size[p] = (size[p] as number) + (size[node] as number);
    sumInput[p] = (sumInput[p] as number) + (sumInput[node] as number);
    sumOutput[p] = (sumOutput[p] as number) + (sumOutput[node] as number);
    sumCost[p] = (sumCost[p] as number) + (sumCost[node] as number);
    sumCalls[p] = (sumCalls[p] as number) + (sumCalls[node] as number);
    sumErrors[p] = (sumErrors[p] as number) + (sumErrors[node] as number);
  }
  return { outline, count: n, order, position, depth, size, parent, sumInput, sumOutput, sumCost, sumCalls, sumErrors, endMs };
}

/** The rows to show: nodes in depth-first order, skipping the descendants of collapsed nodes. */
export function visibleRows(model: TraceModel, collapsed: ReadonlySet<number>): Int32Array {
  const rows = new Int32Array(model.count);
  let n = 0;
  for (let k = 0; k < model.count; ) {
    const node = model.order[k] as number;
    rows[n++] = node;
    k += collapsed.has(node) ? (model.size[node] as number) : 1;
  }
  return rows.subarray(0, n);
}

/** The ancestors of a node, nearest first. */
export function ancestors(model: TraceModel, node: number): number[] {
  const out: number[] = [];
  for (let p = model.parent[node] as number; p >= 0 && out.length < model.count; p = model.parent[p] as number) out.push(p);
  return out;
}

/** The span id of a node. */
export function spanIdOf(model: TraceModel, node: number): string {
  return model.outline.spans.span_id[node] as string;
}

/** The node of a span id, or -1. */
export function nodeOf(model: TraceModel, spanId: string): number {
  return model.outline.spans.span_id.indexOf(spanId);
}

/** Whether a span failed: its status is an error, or the LLM call it records failed. */
export function isErrorNode(model: TraceModel, node: number): boolean {
  const s = model.outline.spans;
  const call = s.call[node] as number;
  return s.status[node] === 2 || (call >= 0 && model.outline.calls.is_error[call] === true);
}

/** The next failed span after `from` in the tree's order, round to the first again (-1: none failed). */
export function nextErrorNode(model: TraceModel, from: number): number {
  const start = from >= 0 ? (model.position[from] as number) : -1;
  for (let i = 1; i <= model.count; i++) {
    const node = model.order[(start + i) % model.count] as number;
    if (isErrorNode(model, node)) return node;
  }
  return -1;
}
