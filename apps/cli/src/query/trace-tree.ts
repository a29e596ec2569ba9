/** A span as `GET /api/traces/{id}` gives it (what the tree shows). */
export interface TreeSpan {
  readonly span_id: string;
  readonly parent_span_id: string | null;
  readonly name: string;
  readonly kind: string;
  readonly service_name: string;
  readonly start_time: string;
  readonly duration_ms: number;
  readonly status: { readonly code: string; readonly message: string };
}

/** What the tree shows of a span's LLM call. */
export interface TreeCall {
  readonly span_id: string;
  readonly model: string | null;
  readonly request_model: string | null;
  readonly input_tokens: number | null;
  readonly output_tokens: number | null;
  readonly cost_usd: number | null;
  readonly counted: boolean;
}

/** One row of the tree: the span, how it is drawn, and the calls of its subtree summed. */
export interface TreeRow {
  readonly span: TreeSpan;
  /** The lines drawn before its name: `│  ├─ `. */
  readonly prefix: string;
  readonly call: TreeCall | null;
  /** Tokens and cost of the counted calls in its subtree (itself included); null when none knows them. */
  readonly tokens: number | null;
  readonly cost: number | null;
  readonly calls: number;
}

/**
 * The spans of a trace as rows of a tree, depth first, children by start time; a span whose
 * parent is not in the trace is a root. Each row carries the totals of its subtree's calls.
 * Iterative, so a deep agent run cannot overflow the stack.
 */
export function traceTree(spans: readonly TreeSpan[], calls: readonly TreeCall[]): TreeRow[] {
  const byId = new Map(spans.map((s) => [s.span_id, s]));
  const callOf = new Map(calls.map((c) => [c.span_id, c]));
  const children = new Map<string | null, TreeSpan[]>();
  for (const s of spans) {
    const parent = s.parent_span_id !== null && byId.has(s.parent_span_id) ? s.parent_span_id : null;
    const list = children.get(parent) ?? [];
    list.push(s);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.start_time.localeCompare(b.start_time) || a.span_id.localeCompare(b.span_id));
  // Subtree totals, children before parents.
  const order: TreeSpan[] = [];
  const stack = [...(children.get(null) ?? [])].reverse();
  const rails = new Map<string, string>();
  const prefixes = new Map<string, string>();
  for (const root of children.get(null) ?? []) {
    rails.set(root.span_id, '');
    prefixes.set(root.span_id, '');
  }
  while (stack.length) {
    const s = stack.pop() as TreeSpan;
    order.push(s);
    const kids = children.get(s.span_id) ?? [];
    const rail = rails.get(s.span_id) ?? '';
    kids.forEach((k, i) => {
      const last = i === kids.length - 1;
      prefixes.set(k.span_id, `${rail}${last ? '└─ ' : '├─ '}`);
      rails.set(k.span_id, `${rail}${last ? '   ' : '│  '}`);
    });
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as TreeSpan);
  }
  const totals = new Map<string, { tokens: number | null; cost: number | null; calls: number }>();
  for (let i = order.length - 1; i >= 0; i--) {
    const s = order[i] as TreeSpan;
    const own = callOf.get(s.span_id);
    const t = { tokens: null as number | null, cost: null as number | null, calls: 0 };
    if (own?.counted) {
      const tokens = own.input_tokens === null && own.output_tokens === null ? null : (own.input_tokens ?? 0) + (own.output_tokens ?? 0);
      t.tokens = tokens;
      t.cost = own.cost_usd;
      t.calls = 1;
    }
    for (const k of children.get(s.span_id) ?? []) {
      const kt = totals.get(k.span_id);
      if (!kt) continue;
      if (kt.tokens !== null) t.tokens = (t.tokens ?? 0) + kt.tokens;
      if (kt.cost !== null) t.cost = (t.cost ?? 0) + kt.cost;
      t.calls += kt.calls;
    }
    totals.set(s.span_id, t);
  }
  return order.map((span) => {
    const t = totals.get(span.span_id) as { tokens: number | null; cost: number | null; calls: number };
    return { span, prefix: prefixes.get(span.span_id) ?? '', call: callOf.get(span.span_id) ?? null, ...t };
  });
}
