import { clip, clock, count, ms, rate, UNKNOWN, usd, visibleWidth } from '../terminal/format.js';
import { byThreshold, LATENCY_MS, type Style, TTFT_MS } from '../terminal/style.js';
import { type Column, renderTable } from '../terminal/table.js';
import { freshInputOf, type LiveCall, modelOf, outcomeOf } from './live-call.js';
import type { ModelRollup, RouteShare, TailStats } from './tail-stats.js';
import { MAX_SESSIONS } from './tail-stats.js';

/** The connection to the server, as the header shows it. */
export interface Connection {
  readonly state: 'connecting' | 'live' | 'down';
  /** Why it is down, or what happened last ("reconnected after the server restarted"). */
  readonly message: string | null;
}

/** Everything one frame of the console shows. */
export interface ScreenState {
  readonly stats: TailStats;
  readonly url: string;
  /** The filters in force, as `name=value`. */
  readonly filters: readonly string[];
  readonly connection: Connection;
  readonly now: number;
  /** What `--since` asked for (the totals then cover it), or null. */
  readonly since: string | null;
}

/** Rows the recent-calls list keeps however short the terminal. */
const MIN_RECENT = 3;

/**
 * One frame of `sightline tail`, `columns` wide and at most `rows` high: a header with the
 * connection, the latest call, totals since start, a rollup by model, route shares when calls
 * have routes, and the recent calls filling what is left.
 */
export function renderScreen(s: ScreenState, columns: number, rows: number, style: Style): string[] {
  const width = Math.max(20, columns);
  const out: string[] = [header(s, width, style)];
  const stats = s.stats;
  if (stats.requests === 0) {
    out.push('', ...flow(waitingText(s), width, style, ' '));
    return out.slice(0, rows);
  }
  const latest = stats.latest as LiveCall;
  out.push(section('Latest call', width, style), ...latestLines(latest, width, style));
  const since = s.since
    ? `Since ${s.since}${/^\d/.test(s.since) && !s.since.includes('T') ? ' ago' : ''}`
    : `Since start · ${ms(s.now - stats.startedAt)}`;
  out.push(section(since, width, style), ...totalsLines(stats, width, style));
  // What is left goes to the tables; the recent calls keep at least a few rows.
  const routes = stats.routeRows();
  const budget = rows - out.length - (MIN_RECENT + 2);
  // The tables take at most half of it, so the recent calls keep the rest.
  const modelRows = Math.max(1, Math.min(stats.models.size, Math.floor(budget / (routes.length ? 4 : 2)) - 1));
  if (budget >= 3) {
    out.push(section('By model', width, style));
    out.push(...renderTable(stats.modelRows().slice(0, modelRows), modelColumns(style), width, style));
    if (stats.models.size > modelRows) out.push(style.dim(`  … and ${stats.models.size - modelRows} more models`));
  }
  const left = rows - out.length - (MIN_RECENT + 2);
  if (routes.length && left >= 3) {
    const routeRows = Math.min(routes.length, left - 2);
    out.push(section('Routes', width, style));
    out.push(...renderTable(routes.slice(0, routeRows), routeColumns(stats.requests, style), width, style));
  }
  const recentRows = Math.max(0, rows - out.length - 2);
  out.push(section('Recent calls', width, style));
  out.push(...renderTable(stats.recent.slice(0, recentRows), recentColumns(stats.recent, style), width, style));
  return out.slice(0, rows).map((line) => fit(line, width));
}

function header(s: ScreenState, width: number, style: Style): string {
  const c = s.connection;
  const status =
    c.state === 'live'
      ? style.green('● live') + (c.message ? style.dim(` · ${c.message}`) : '')
      : c.state === 'connecting'
        ? style.yellow('○ connecting')
        : style.red(`○ reconnecting${c.message ? `: ${c.message}` : ''}`);
  const filters = s.filters.length ? `  ·  ${s.filters.join(' ')}` : '';
  const left = ` ${style.bold('Sightline tail')}  ·  ${s.url}  ·  ${status}${filters}`;
  const right = style.dim('q quit ');
  const space = width - visibleWidth(left) - visibleWidth(right);
  return space >= 1 ? left + ' '.repeat(space) + right : left;
}

function waitingText(s: ScreenState): string[] {
  if (s.connection.state === 'down') return ['Waiting for the server to come back…'];
  const filtered = s.filters.length ? ' matching the filters' : '';
  return [`Waiting for LLM calls${filtered}.`, `Send traces to ${s.url}/v1/traces,`, `or try: sightline demo --url ${s.url}`];
}

function section(title: string, width: number, style: Style): string {
  const head = `─ ${title} `;
  return style.dim(head + '─'.repeat(Math.max(0, width - visibleWidth(head))));
}

function latestLines(c: LiveCall, width: number, style: Style): string[] {
  const asked = c.request_model && c.model && c.request_model !== c.model ? style.dim(` (asked ${c.request_model})`) : '';
  const where = [c.provider, c.route_name ? `route ${c.route_name}` : null, c.service_name].filter((x) => x);
  const first = flow([`${style.bold(modelOf(c))}${asked}`, ...where.map((w) => style.dim(w as string)), status(c, style)], width, style);
  const figures = [
    `in ${count(c.input_tokens)}${c.cache_read_tokens ? style.dim(` (${count(c.cache_read_tokens)} cached)`) : ''}`,
    `out ${count(c.output_tokens)}`,
    `TTFT ${byThreshold(style, c.ttft_ms, TTFT_MS, ms(c.ttft_ms))}`,
    `latency ${byThreshold(style, c.duration_ms, LATENCY_MS, ms(c.duration_ms))}`,
    `${rate(c.tokens_per_s)} tok/s`,
    usd(c.cost_usd),
  ];
  return [...first, ...flow(figures, width, style)];
}

function totalsLines(t: TailStats, width: number, style: Style): string[] {
  const errors = t.errorCount
    ? style.red(`${count(t.errorCount)}`) + style.dim(` (4xx ${t.errors['4xx']} · 5xx ${t.errors['5xx']} · client ${t.errors.client})`)
    : style.green('0');
  const q = (sketch: TailStats['latency'], p: number) => sketch.quantile(p);
  const quantiles = (sketch: TailStats['latency'], limits: { fast: number; slow: number }) =>
    [0.5, 0.95, 0.99].map((p) => `p${Math.round(p * 100)} ${byThreshold(style, q(sketch, p), limits, ms(q(sketch, p)))}`).join('  ');
  const sessions = t.sessions.size >= MAX_SESSIONS ? `${count(MAX_SESSIONS)}+` : count(t.sessions.size);
  return [
    ...flow(
      [
        `Requests ${style.bold(count(t.requests))}`,
        `Errors ${errors}`,
        `Cost ${style.bold(usd(t.cost))}`,
        `Tokens ${count(t.input)} in${t.cacheRead ? ` (${count(t.cacheRead)} cached)` : ''} · ${count(t.output)} out`,
      ],
      width,
      style,
      '   ',
    ),
    ...flow(
      [`Latency ${quantiles(t.latency, LATENCY_MS)}`, `TTFT ${t.ttft.count ? quantiles(t.ttft, TTFT_MS) : UNKNOWN}`],
      width,
      style,
      '   ',
    ),
    ...flow([`Sessions ${sessions}`, ...(t.currentSession ? [style.dim(`current ${t.currentSession}`)] : [])], width, style),
  ];
}

/**
 * Items on as few lines as the width allows, separated by `sep` (a dim " · " by default); an
 * item wider than a line is cut.
 */
function flow(items: readonly string[], width: number, style: Style, sep?: string): string[] {
  const gap = sep ?? style.dim('  ·  ');
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line === '' ? ` ${item}` : `${line}${gap}${item}`;
    if (line !== '' && visibleWidth(next) > width) {
      lines.push(line);
      line = ` ${item}`;
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => fit(l, width));
}

function status(c: LiveCall, style: Style): string {
  const outcome = outcomeOf(c);
  if (outcome === 'ok') return style.green(c.status_code ? `OK ${c.status_code}` : 'OK');
  const text = c.status_code ? `${c.status_code}` : (c.error_type ?? 'error');
  return style.red(text);
}

function modelColumns(style: Style): Column<ModelRollup>[] {
  return [
    { header: 'MODEL', align: 'left', drop: 0, shrinkTo: 12, cell: (m) => m.model, color: (_m, t) => style.bold(t) },
    { header: 'REQ', align: 'right', drop: 0, cell: (m) => count(m.requests) },
    {
      header: 'ERR',
      align: 'right',
      drop: 5,
      cell: (m) => (m.errors ? count(m.errors) : '0'),
      color: (m, t) => (m.errors ? style.red(t) : style.dim(t)),
    },
    { header: 'FRESH IN', align: 'right', drop: 2, cell: (m) => count(m.input) },
    { header: 'OUT', align: 'right', drop: 1, cell: (m) => count(m.output) },
    { header: 'CACHE W', align: 'right', drop: 6, cell: (m) => count(m.cacheWrite) },
    { header: 'CACHE R', align: 'right', drop: 4, cell: (m) => count(m.cacheRead) },
    { header: 'TOK/S P50', align: 'right', drop: 3, cell: (m) => rate(m.speed.quantile(0.5)) },
    { header: 'COST', align: 'right', drop: 0, cell: (m) => usd(m.cost) },
  ];
}

function routeColumns(total: number, style: Style): Column<RouteShare>[] {
  return [
    { header: 'ROUTE', align: 'left', drop: 0, shrinkTo: 12, cell: (r) => r.route, color: (_r, t) => style.bold(t) },
    { header: 'HITS', align: 'right', drop: 0, cell: (r) => count(r.hits) },
    { header: 'SHARE', align: 'right', drop: 1, cell: (r) => `${((100 * r.hits) / total).toFixed(1)}%` },
    {
      header: 'P95',
      align: 'right',
      drop: 2,
      cell: (r) => ms(r.latency.quantile(0.95)),
      color: (r, t) => byThreshold(style, r.latency.quantile(0.95), LATENCY_MS, t),
    },
    {
      header: 'ERR',
      align: 'right',
      drop: 3,
      cell: (r) => count(r.errors),
      color: (r, t) => (r.errors ? style.red(t) : style.dim(t)),
    },
  ];
}

/** The recent-calls columns; a column only when some listed call has data for it. */
function recentColumns(calls: readonly LiveCall[], style: Style): Column<LiveCall>[] {
  const any = (pick: (c: LiveCall) => unknown) => calls.some((c) => pick(c) !== null && pick(c) !== undefined);
  const all: (Column<LiveCall> | false)[] = [
    { header: 'TIME', align: 'left', drop: 4, cell: (c) => clock(c.timestamp), color: (_c, t) => style.dim(t) },
    { header: 'MODEL', align: 'left', drop: 0, shrinkTo: 20, cell: (c) => modelOf(c) },
    any((c) => c.route_name) && { header: 'ROUTE', align: 'left', drop: 6, shrinkTo: 8, cell: (c) => c.route_name ?? UNKNOWN },
    { header: 'FRESH IN', align: 'right', drop: 3, cell: (c) => count(freshInputOf(c)) },
    any((c) => c.cache_read_tokens) && { header: 'CACHED', align: 'right', drop: 7, cell: (c) => count(c.cache_read_tokens) },
    { header: 'OUT', align: 'right', drop: 2, cell: (c) => count(c.output_tokens) },
    any((c) => c.reasoning_tokens) && { header: 'REASON', align: 'right', drop: 9, cell: (c) => count(c.reasoning_tokens) },
    any((c) => c.ttft_ms) && {
      header: 'TTFT',
      align: 'right',
      drop: 5,
      cell: (c) => ms(c.ttft_ms),
      color: (c, t) => byThreshold(style, c.ttft_ms, TTFT_MS, t),
    },
    {
      header: 'LATENCY',
      align: 'right',
      drop: 1,
      cell: (c) => ms(c.duration_ms),
      color: (c, t) => byThreshold(style, c.duration_ms, LATENCY_MS, t),
    },
    any((c) => c.tokens_per_s) && { header: 'TOK/S', align: 'right', drop: 8, cell: (c) => rate(c.tokens_per_s) },
    { header: 'COST', align: 'right', drop: 1, cell: (c) => usd(c.cost_usd) },
    {
      header: 'STATUS',
      align: 'left',
      drop: 0,
      cell: (c) =>
        outcomeOf(c) === 'ok'
          ? c.status_code
            ? `OK ${c.status_code}`
            : 'OK'
          : c.status_code
            ? `${c.status_code}`
            : clip(c.error_type ?? 'error', 24),
      color: (c, t) => (outcomeOf(c) === 'ok' ? style.green(t) : style.red(t)),
    },
  ];
  return all.filter((c): c is Column<LiveCall> => c !== false);
}

/** A line cut to the width (styling kept only when the line fits). */
function fit(line: string, width: number): string {
  if (visibleWidth(line) <= width) return line;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what is stripped.
  return clip(line.replace(/\x1b\[[0-9;]*m/g, ''), width);
}
