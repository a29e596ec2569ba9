import { Command } from 'commander';
import { apiKeyOption, projectOption, serverUrlOption } from '../server-client.js';
import type { LiveCall } from '../tail/live-call.js';
import { modelOf, outcomeOf } from '../tail/live-call.js';
import { clock, count, ms, UNKNOWN, usd } from '../terminal/format.js';
import { byThreshold, LATENCY_MS, TTFT_MS } from '../terminal/style.js';
import { type FilterOptions, filterParams, withFilters } from './filter-options.js';
import { moreNote, printTable } from './output.js';
import { getApi, printJson } from './query-client.js';
import type { TraceRow } from './trace-view.js';

interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

interface SessionRow {
  session_id: string;
  name: string | null;
  labels: Record<string, string>;
  last_seen: string;
  first_seen: string;
  trace_count: number;
  call_count: number;
  error_count: number;
  total_tokens: number | null;
  cost_usd: number | null;
  users: string[];
}

/** A date and time, short: `Dec 4 14:03:22` (today: just the time). */
function when(iso: string): string {
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return today ? clock(iso) : `${d.toLocaleString('en-US', { month: 'short', day: 'numeric' })} ${clock(iso)}`;
}

/** `sightline traces`: the traces list, newest first. */
export function tracesCommand(): Command {
  const command = new Command('traces')
    .description('List traces, newest first: root span, service, duration, spans, LLM calls, tokens, cost, errors')
    .addOption(serverUrlOption())
    .addOption(apiKeyOption())
    .addOption(projectOption())
    .option('--name <span name>', 'only traces with a span of this name');
  withFilters(command, ['since', 'until', 'service', 'model', 'provider', 'session', 'user', 'errors', 'search', 'limit']);
  return command.action(async (o: FilterOptions & { name?: string }) => {
    const params = filterParams(o);
    if (o.name) params.set('name', o.name);
    const page = await getApi<Page<TraceRow>>(o.url, '/api/traces', params);
    if (o.json) return printJson(page);
    printTable(
      page.data,
      (style) => [
        { header: 'STARTED', align: 'left', drop: 3, cell: (t) => when(t.start_time), color: (_t, s) => style.dim(s) },
        { header: 'TRACE ID', align: 'left', drop: 0, cell: (t) => t.trace_id },
        { header: 'ROOT', align: 'left', drop: 0, shrinkTo: 16, cell: (t) => t.root_span_name, color: (_t, s) => style.bold(s) },
        { header: 'SERVICE', align: 'left', drop: 4, shrinkTo: 10, cell: (t) => t.service_name },
        { header: 'DURATION', align: 'right', drop: 1, cell: (t) => ms(t.duration_ms) },
        { header: 'SPANS', align: 'right', drop: 5, cell: (t) => count(t.span_count) },
        { header: 'CALLS', align: 'right', drop: 2, cell: (t) => count(t.llm_call_count) },
        { header: 'TOKENS', align: 'right', drop: 6, cell: (t) => count(t.total_tokens) },
        { header: 'COST', align: 'right', drop: 1, cell: (t) => usd(t.cost_usd) },
        {
          header: 'ERR',
          align: 'right',
          drop: 2,
          cell: (t) => count(t.error_count),
          color: (t, s) => (t.error_count ? style.red(s) : style.dim(s)),
        },
      ],
      'No traces match.',
    );
    moreNote(page.data.length, page.next_cursor);
  });
}

/** `sightline calls`: LLM calls, newest first. */
export function callsCommand(): Command {
  const command = new Command('calls')
    .description('List LLM calls, newest first: model, tokens, TTFT, latency, cost, status')
    .addOption(serverUrlOption())
    .addOption(apiKeyOption())
    .addOption(projectOption());
  withFilters(command, ['since', 'until', 'service', 'model', 'provider', 'session', 'user', 'errors', 'search', 'limit']);
  return command.action(async (o: FilterOptions) => {
    const page = await getApi<Page<LiveCall & { counted: boolean }>>(o.url, '/api/llm-calls', filterParams(o));
    if (o.json) return printJson(page);
    printTable(
      page.data,
      (style) => [
        { header: 'TIME', align: 'left', drop: 3, cell: (c) => when(c.timestamp), color: (_c, s) => style.dim(s) },
        { header: 'MODEL', align: 'left', drop: 0, shrinkTo: 16, cell: (c) => modelOf(c), color: (_c, s) => style.bold(s) },
        { header: 'PROVIDER', align: 'left', drop: 5, cell: (c) => c.provider ?? UNKNOWN },
        { header: 'SERVICE', align: 'left', drop: 6, shrinkTo: 10, cell: (c) => c.service_name ?? UNKNOWN },
        { header: 'IN', align: 'right', drop: 2, cell: (c) => count(c.input_tokens) },
        { header: 'OUT', align: 'right', drop: 2, cell: (c) => count(c.output_tokens) },
        { header: 'TTFT', align: 'right', drop: 4, cell: (c) => ms(c.ttft_ms), color: (c, s) => byThreshold(style, c.ttft_ms, TTFT_MS, s) },
        {
          header: 'LATENCY',
          align: 'right',
          drop: 1,
          cell: (c) => ms(c.duration_ms),
          color: (c, s) => byThreshold(style, c.duration_ms, LATENCY_MS, s),
        },
        { header: 'COST', align: 'right', drop: 1, cell: (c) => usd(c.cost_usd) },
        {
          header: 'STATUS',
          align: 'left',
          drop: 0,
          cell: (c) => (outcomeOf(c) === 'ok' ? 'OK' : String(c.status_code ?? c.error_type ?? 'error')) + (c.counted ? '' : ' (copy)'),
          color: (c, s) => (outcomeOf(c) === 'ok' ? style.green(s) : style.red(s)),
        },
        { header: 'SPAN ID', align: 'left', drop: 7, cell: (c) => c.span_id, color: (_c, s) => style.dim(s) },
      ],
      'No LLM calls match.',
    );
    moreNote(page.data.length, page.next_cursor);
  });
}

/** `sightline sessions`: conversations, last active first. */
export function sessionsCommand(): Command {
  const command = new Command('sessions')
    .description('List sessions (conversations, agent runs), last active first: name, users, traces, calls, tokens, cost')
    .addOption(serverUrlOption())
    .addOption(apiKeyOption())
    .addOption(projectOption())
    .option('--label <key=value>', 'only sessions with this label');
  withFilters(command, ['since', 'until', 'user', 'limit']);
  return command.action(async (o: FilterOptions & { label?: string }) => {
    const params = filterParams(o);
    if (o.label) {
      const at = o.label.indexOf('=');
      if (at <= 0) {
        process.stderr.write(`error: --label must be key=value, got "${o.label}"\n(run "sightline sessions --help" for usage)\n`);
        process.exit(2);
      }
      params.set(`label.${o.label.slice(0, at)}`, o.label.slice(at + 1));
    }
    const page = await getApi<Page<SessionRow>>(o.url, '/api/sessions', params);
    if (o.json) return printJson(page);
    printTable(
      page.data,
      (style) => [
        { header: 'LAST ACTIVE', align: 'left', drop: 3, cell: (s) => when(s.last_seen), color: (_s, t) => style.dim(t) },
        { header: 'SESSION', align: 'left', drop: 0, cell: (s) => s.session_id },
        { header: 'NAME', align: 'left', drop: 4, shrinkTo: 16, cell: (s) => s.name ?? UNKNOWN, color: (_s, t) => style.bold(t) },
        { header: 'USERS', align: 'left', drop: 5, shrinkTo: 12, cell: (s) => (s.users.length ? s.users.join(', ') : UNKNOWN) },
        { header: 'TRACES', align: 'right', drop: 6, cell: (s) => count(s.trace_count) },
        { header: 'CALLS', align: 'right', drop: 1, cell: (s) => count(s.call_count) },
        { header: 'TOKENS', align: 'right', drop: 2, cell: (s) => count(s.total_tokens) },
        { header: 'COST', align: 'right', drop: 1, cell: (s) => usd(s.cost_usd) },
        {
          header: 'ERR',
          align: 'right',
          drop: 2,
          cell: (s) => count(s.error_count),
          color: (s, t) => (s.error_count ? style.red(t) : style.dim(t)),
        },
        {
          header: 'LABELS',
          align: 'left',
          drop: 7,
          shrinkTo: 12,
          cell: (s) =>
            Object.entries(s.labels)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ') || UNKNOWN,
          color: (_s, t) => style.dim(t),
        },
      ],
      'No sessions match.',
    );
    moreNote(page.data.length, page.next_cursor);
  });
}

interface MetricsRow {
  key: string | null;
  calls: number;
  errors: number;
  error_rate: number | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cost_usd: number;
  unpriced_calls: number;
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
  ttft_ms: { p50: number | null; p95: number | null; p99: number | null };
}

const GROUPS = ['model', 'provider', 'service', 'operation', 'route', 'session', 'user', 'hour', 'day'];

/** `sightline stats`: the metrics API as a table. */
export function statsCommand(): Command {
  const command = new Command('stats')
    .description('Calls, errors, tokens, cost and latency percentiles, grouped (GET /api/metrics as a table)')
    .addOption(serverUrlOption())
    .addOption(apiKeyOption())
    .addOption(projectOption())
    .option('--group-by <field>', `one of ${GROUPS.join(', ')}`, 'model');
  withFilters(command, ['since', 'until', 'service', 'model', 'provider', 'session', 'user', 'limit']);
  return command.action(async (o: FilterOptions & { groupBy: string }) => {
    if (!GROUPS.includes(o.groupBy)) {
      process.stderr.write(
        `error: --group-by must be one of ${GROUPS.join(', ')}, got "${o.groupBy}"\n(run "sightline stats --help" for usage)\n`,
      );
      process.exit(2);
    }
    const params = filterParams(o);
    params.set('group_by', o.groupBy);
    const body = await getApi<{ data: MetricsRow[]; total: MetricsRow }>(o.url, '/api/metrics', params);
    if (o.json) return printJson(body);
    const byTime = o.groupBy === 'hour' || o.groupBy === 'day';
    // Hours and days in time order, as the API gives them; the rest with the most calls first.
    const ordered = byTime ? body.data : [...body.data].sort((a, b) => b.calls - a.calls);
    const rows = [...ordered, { ...body.total, key: 'TOTAL' }];
    printTable(
      body.data.length ? rows : [],
      (style) => [
        {
          header: o.groupBy.toUpperCase(),
          align: 'left',
          drop: 0,
          shrinkTo: 16,
          cell: (r) => (byTime && r.key && r.key !== 'TOTAL' ? bucketLabel(r.key, o.groupBy) : (r.key ?? UNKNOWN)),
          color: (r, t) => (r.key === 'TOTAL' ? style.bold(t) : t),
        },
        { header: 'CALLS', align: 'right', drop: 0, cell: (r) => count(r.calls) },
        {
          header: 'ERRORS',
          align: 'right',
          drop: 3,
          cell: (r) => (r.errors ? `${count(r.errors)} (${((r.error_rate ?? 0) * 100).toFixed(1)}%)` : '0'),
          color: (r, t) => (r.errors ? style.red(t) : style.dim(t)),
        },
        { header: 'IN', align: 'right', drop: 2, cell: (r) => count(r.input_tokens) },
        { header: 'OUT', align: 'right', drop: 2, cell: (r) => count(r.output_tokens) },
        { header: 'CACHED', align: 'right', drop: 5, cell: (r) => count(r.cache_read_tokens) },
        { header: 'COST', align: 'right', drop: 1, cell: (r) => (r.unpriced_calls === r.calls ? UNKNOWN : usd(r.cost_usd)) },
        { header: 'P50', align: 'right', drop: 4, cell: (r) => ms(r.latency_ms.p50) },
        {
          header: 'P95',
          align: 'right',
          drop: 1,
          cell: (r) => ms(r.latency_ms.p95),
          color: (r, t) => byThreshold(style, r.latency_ms.p95, LATENCY_MS, t),
        },
        { header: 'P99', align: 'right', drop: 6, cell: (r) => ms(r.latency_ms.p99) },
        {
          header: 'TTFT P50',
          align: 'right',
          drop: 4,
          cell: (r) => ms(r.ttft_ms.p50),
          color: (r, t) => byThreshold(style, r.ttft_ms.p50, TTFT_MS, t),
        },
      ],
      'No LLM calls in the range.',
    );
  });
}

/** An hour as `Dec 4 14:00`, a day as `Dec 4`, in local time. */
function bucketLabel(iso: string, group: string): string {
  const d = new Date(iso);
  const day = d.toLocaleString('en-US', { month: 'short', day: 'numeric' });
  return group === 'day' ? day : `${day} ${String(d.getHours()).padStart(2, '0')}:00`;
}
