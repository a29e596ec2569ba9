import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { protobufTemplate, templateSpans } from './llm-spans.js';
import { httpLoad, requestsSent, setRequestCursor } from './load.js';
import { type ServerProcess, startServerProcess } from './server-process.js';
import { fmt, percentile } from './stats.js';

/**
 * `npm run bench -- --storage clickhouse`: SQLite and ClickHouse (chdb, in-process) side by
 * side in one run. Two servers, filled in turn with the same OTLP/HTTP protobuf load (requests
 * of 512 LLM spans, 64 traces of 8 spans, four in flight) to --spans spans each, reporting each
 * one's ingest rate per step of the fill; then the same queries against both, one at a time.
 * `--keep` leaves the data behind; `--data DIR` runs the queries again on data so kept, without
 * filling (a fill to 10,000,000 spans takes about an hour here).
 */
const { values: opts } = parseArgs({
  options: {
    storage: { type: 'string', default: 'clickhouse' },
    spans: { type: 'string', default: '10000000' },
    step: { type: 'string', default: '1000000' },
    concurrency: { type: 'string', default: '4' },
    queries: { type: 'string', default: '100' },
    keep: { type: 'boolean', default: false },
    data: { type: 'string' },
  },
});
if (opts.storage !== 'clickhouse') {
  console.error(`--storage ${opts.storage}: only clickhouse is compared with SQLite here`);
  process.exit(2);
}
const TOTAL = Number(opts.spans);
const STEP = Number(opts.step);
const CONCURRENCY = Number(opts.concurrency);
const QUERIES = Number(opts.queries);
const PER_REQUEST = 512;

/** What a kept directory holds: how many requests filled it, so their trace ids can be asked for again. */
interface Kept {
  readonly requests: number;
  readonly stored: number;
}
const KEPT = 'kept.json';
const reused: Kept | null = opts.data === undefined ? null : readKept(opts.data);
const dir = opts.data ?? mkdtempSync(join(tmpdir(), 'sightline-bench-storage-'));
const proto = protobufTemplate(templateSpans(PER_REQUEST));
console.log(`Sightline storage benchmark — ${new Date().toISOString()}`);
console.log(
  reused
    ? `  SQLite and ClickHouse (chdb in-process) side by side, on the ${reused.stored.toLocaleString()} spans each kept in ${dir}\n`
    : `  SQLite and ClickHouse (chdb in-process) side by side, filled in turn to ${TOTAL.toLocaleString()} spans each; data in ${dir}\n`,
);

function readKept(path: string): Kept {
  const file = join(path, KEPT);
  if (!existsSync(file)) {
    console.error(`--data ${path}: no ${KEPT} there; give a directory a run with --keep left behind`);
    process.exit(2);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Kept;
}

const sqlite = await startServerProcess(['--db', join(dir, 'bench.db')]);
const clickhouse = await startServerProcess(['--storage', 'clickhouse', '--clickhouse-path', join(dir, 'clickhouse')]);
const servers: [string, ServerProcess][] = [
  ['SQLite', sqlite],
  ['ClickHouse', clickhouse],
];

const load = (s: ServerProcess, requests: number) =>
  httpLoad(`${s.otlpHttp}/v1/traces`, 'application/x-protobuf', proto, requests, CONCURRENCY);

/** Fills both servers in turn, step by step, reporting each one's ingest rate; returns the spans each holds. */
async function fill(): Promise<number> {
  const warm = requestsSent();
  await load(sqlite, 20);
  setRequestCursor(warm);
  await load(clickhouse, 20);
  console.log('Ingest, end to end (acknowledged = stored), LLM calls read and priced, OTLP/HTTP protobuf:');
  console.log(`  ${'spans stored'.padEnd(14)} ${servers.map(([n]) => `${n} spans/s (server CPU µs/span)`.padStart(36)).join('')}`);
  const totals = new Map(servers.map(([n]) => [n, { spans: 0, seconds: 0 }]));
  let stored = 20 * PER_REQUEST;
  while (stored < TOTAL) {
    const requests = Math.ceil(Math.min(STEP, TOTAL - stored) / PER_REQUEST);
    const cells: string[] = [];
    // The same request numbers go to both, so both hold the same traces.
    const first = requestsSent();
    for (const [name, s] of servers) {
      if (s === clickhouse) setRequestCursor(first);
      const cpu0 = s.cpuSeconds();
      const r = await load(s, requests);
      const t = totals.get(name) as { spans: number; seconds: number };
      t.spans += r.spans;
      t.seconds += r.seconds;
      cells.push(`${fmt(r.spansPerSecond, 0)} (${fmt(((s.cpuSeconds() - cpu0) / r.spans) * 1e6, 1)})`.padStart(36));
    }
    stored += requests * PER_REQUEST;
    console.log(`  ${stored.toLocaleString().padEnd(14)} ${cells.join('')}`);
  }
  console.log(
    `  ${'overall'.padEnd(14)} ${servers.map(([n]) => `${fmt((totals.get(n)?.spans ?? 0) / (totals.get(n)?.seconds ?? 1), 0)}`.padStart(36)).join('')}\n`,
  );
  return stored;
}

try {
  let stored: number;
  if (reused) {
    setRequestCursor(reused.requests);
    stored = reused.stored;
  } else {
    stored = await fill();
    if (opts.keep) writeFileSync(join(dir, KEPT), JSON.stringify({ requests: requestsSent(), stored } satisfies Kept));
  }

  const pickRequest = () => 1 + Math.floor(Math.random() * requestsSent());
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const traceIdOf = (n: number, t: number) => hex(n, 8) + hex(t, 24);
  const time = async (s: ServerProcess, paths: () => string, count: number) => {
    const ms: number[] = [];
    for (let i = 0; i < count; i++) {
      const p = paths();
      const t0 = performance.now();
      const res = await fetch(s.api + p);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${p}: HTTP ${res.status}`);
      ms.push(performance.now() - t0);
    }
    return ms;
  };
  const row = async (name: string, paths: () => string, count = QUERIES) => {
    const cells: string[] = [];
    for (const [, s] of servers) {
      const ms = await time(s, paths, count);
      cells.push(`${fmt(percentile(ms, 50), 1).padStart(8)} ${fmt(percentile(ms, 95), 1).padStart(8)}`);
    }
    console.log(`  ${name.padEnd(58)} ${cells.join('   ')}`);
  };
  const cycle = (list: readonly string[]) => {
    let i = 0;
    return () => list[i++ % list.length] as string;
  };
  console.log(`Query latency at ${stored.toLocaleString()} spans each (${QUERIES} requests each, one at a time), ms:`);
  console.log(`  ${''.padEnd(58)} ${servers.map(([n]) => `${n.padStart(8)} p50      p95`).join('   ')}`);
  await row('trace by id (8 spans)', () => `/api/traces/${traceIdOf(pickRequest(), Math.floor(Math.random() * 64))}`);
  const filtered = [
    '/api/traces?service=support-bot&attr.gen_ai.request.model=eq:gpt-4o&limit=50',
    '/api/traces?status=error&limit=50',
    '/api/traces?name=chat%20claude-sonnet-4-5&min_duration_ms=1500&limit=50',
    '/api/traces?attr.user.id=eq:user-7&limit=50',
    '/api/traces?resource.deployment.environment=eq:prod&attr.gen_ai.usage.input_tokens=gt:3000&limit=50',
  ];
  await row('filtered trace list (5 filter mixes in turn)', cycle(filtered));
  for (const f of filtered) await row(`  ${f.slice('/api/traces?'.length, 60)}`, () => f, Math.ceil(QUERIES / 2));
  await row('unfiltered trace list, newest 50', () => '/api/traces?limit=50');
  const searches = ['/api/traces?q=revenue&limit=50', '/api/traces?q=conv-42&limit=50', '/api/traces?q=kangaroo&limit=50'];
  await row('free-text search, trace list (3 searches in turn)', cycle(searches));
  await row('free-text search, call list: q=revenue', () => '/api/llm-calls?q=revenue&limit=50');
  const metrics = [
    '/api/metrics?group_by=model',
    '/api/metrics?group_by=day',
    '/api/metrics?group_by=provider&service=support-bot',
    '/api/metrics',
  ];
  await row('metrics (4 groupings in turn, all calls)', cycle(metrics), Math.ceil(QUERIES / 2));
  await row('metrics series: hourly, split by model', () => '/api/metrics/series?split_by=model', Math.ceil(QUERIES / 2));
  await row('call list, newest 50', () => '/api/llm-calls?limit=50');
  await row('sessions, most recent 50', () => '/api/sessions?limit=50', Math.ceil(QUERIES / 4));
  await row(
    'one session: first page of its calls',
    () => `/api/sessions/conv-${Math.floor(Math.random() * 64)}?limit=50`,
    Math.ceil(QUERIES / 4),
  );
  await row('facets, all time', () => '/api/facets', Math.ceil(QUERIES / 4));
} finally {
  await sqlite.stop();
  await clickhouse.stop();
  if (opts.keep || reused) console.log(`\nThe data stays in ${dir} (again: --data ${dir})`);
  else rmSync(dir, { recursive: true, force: true });
}
