import { count, ms, UNKNOWN, usd } from '../terminal/format.js';
import { byThreshold, LATENCY_MS, type Style } from '../terminal/style.js';
import { renderTable } from '../terminal/table.js';
import { type TreeCall, type TreeRow, type TreeSpan, traceTree } from './trace-tree.js';

/** A trace as `GET /api/traces` lists it (what the commands show of it). */
export interface TraceRow {
  trace_id: string;
  root_span_name: string;
  service_name: string;
  start_time: string;
  duration_ms: number;
  span_count: number;
  error_count: number;
  llm_call_count: number;
  total_tokens: number | null;
  cost_usd: number | null;
  session_id: string | null;
  user_id: string | null;
}

/** `GET /api/traces/{id}`: the trace's summary and its spans. */
export interface TraceDetail {
  trace: TraceRow;
  spans: TreeSpan[];
}

/** A trace as text: its title, its figures, and the span tree with each span's calls summed. */
export function renderTrace(detail: TraceDetail, calls: readonly TreeCall[], style: Style, width: number): string {
  const s = style;
  const t = detail.trace;
  const figures = [
    `${count(t.span_count)} spans`,
    ms(t.duration_ms),
    `${count(t.llm_call_count)} LLM calls`,
    `${count(t.total_tokens)} tokens`,
    usd(t.cost_usd),
    t.error_count ? style.red(`${t.error_count} errors`) : null,
    t.session_id ? `session ${t.session_id}` : null,
    t.user_id ? `user ${t.user_id}` : null,
  ].filter((x) => x !== null);
  const head = `${style.bold(t.root_span_name)} ${style.dim(`· ${t.service_name} · ${t.trace_id}`)}\n${figures.join(style.dim(' · '))}\n\n`;
  const table = renderTable(
    traceTree(detail.spans, calls),
    [
      {
        header: 'SPAN',
        align: 'left',
        drop: 0,
        shrinkTo: 24,
        // The mark goes first, so a name cut short in a narrow terminal keeps it.
        cell: (r: TreeRow) => `${r.prefix}${r.span.status.code === 'error' ? '✗ ' : ''}${r.span.name}`,
        color: (r, text) => {
          const at = r.prefix.length;
          const name = text.slice(at);
          const drawn = r.span.status.code === 'error' ? s.red(name) : r.call ? s.cyan(name) : name;
          return s.dim(text.slice(0, at)) + drawn;
        },
      },
      {
        header: 'DURATION',
        align: 'right',
        drop: 1,
        cell: (r) => ms(r.span.duration_ms),
        color: (r, text) => (r.call ? byThreshold(s, r.span.duration_ms, LATENCY_MS, text) : text),
      },
      {
        header: 'MODEL',
        align: 'left',
        drop: 2,
        shrinkTo: 14,
        cell: (r) => (r.call ? (r.call.model ?? r.call.request_model ?? UNKNOWN) : ''),
      },
      {
        header: 'TOKENS',
        align: 'right',
        drop: 3,
        cell: (r) => (r.calls ? count(r.tokens) : ''),
        color: (r, text) => (r.call ? text : s.dim(text)),
      },
      {
        header: 'COST',
        align: 'right',
        drop: 2,
        cell: (r) => (r.calls ? usd(r.cost) : ''),
        color: (r, text) => (r.call ? text : s.dim(text)),
      },
      {
        header: 'ERROR',
        align: 'left',
        drop: 4,
        shrinkTo: 16,
        cell: (r) => (r.span.status.code === 'error' ? r.span.status.message || 'error' : ''),
        color: (_r, text) => s.red(text),
      },
    ],
    width,
    style,
  );
  return `${head}${table.join('\n')}\n${style.dim('\nTokens and cost of a span are those of the LLM calls under it (a call’s own, in full colour).')}\n`;
}
