import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { jsonTemplate, protobufTemplate, templateSpans } from './llm-spans.js';
import { grpcLoad, httpLoad, type LoadResult, requestsSent } from './load.js';
import { type ServerProcess, startServerProcess, threadSplit } from './server-process.js';
import { fmt, percentile } from './stats.js';

/** Bytes the free-text search index takes in a database file (read-only; the server may be running). */
function searchIndexBytes(path: string): number {
  const file = new Database(path, { readonly: true });
  try {
    const size = file.prepare('SELECT pgsize FROM dbstat WHERE name = ? AND aggregate = TRUE').pluck();
    return ['span_search_data', 'span_search_idx', 'span_search_docsize', 'span_search_config']
      .map((table) => Number(size.get(table) ?? 0))
      .reduce((a, b) => a + b, 0);
  } finally {
    file.close();
  }
}

/**
 * `npm run bench`: ingest throughput over OTLP/HTTP protobuf, OTLP/HTTP JSON and OTLP/gRPC
 * into SQLite, end to end (a request counts when acknowledged, i.e. committed); the cost of
 * reading and pricing LLM calls at ingest (the same load with and without, interleaved); the
 * cost of the free-text search index (likewise, against a server started with
 * --no-search-index); the server's RSS; query latency, free-text searches included, with the
 * store filled to --spans spans; then metrics latency
 * with --calls LLM calls stored. Then the SDK's overhead per instrumented call (`bench/sdk-overhead.ts`,
 * with its defaults), the web UI in Chromium (`bench/ui.ts`), and ingest against the build the
 * web UI's targets were set against (`bench/against-build.ts`; `--skip-against` leaves it out).
 */
// `--storage clickhouse`: SQLite and ClickHouse side by side instead (bench/storage-compare.ts, its own options).
if (process.argv.includes('--storage')) {
  const compare = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(new URL('./storage-compare.ts', import.meta.url)), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(compare.status ?? 1);
}

const { values: opts } = parseArgs({
  options: {
    spans: { type: 'string', default: '1000000' },
    calls: { type: 'string', default: '1000000' },
    concurrency: { type: 'string', default: '4' },
    queries: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
    'skip-against': { type: 'boolean', default: false },
  },
});
const TOTAL = Number(opts.spans);
const CALLS = Number(opts.calls);
const CONCURRENCY = Number(opts.concurrency);
const QUERIES = Number(opts.queries);
const ROUNDS = Number(opts.rounds);
const PER_REQUEST = 512;

const dir = mkdtempSync(join(tmpdir(), 'sightline-bench-'));
const db = join(dir, 'bench.db');
const spans = templateSpans(PER_REQUEST);
const callsPerRequest = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat').length;
/** Warm-up requests: protobuf, JSON and gRPC to the main server, protobuf to each of the three others. */
const WARM = { proto: 40, json: 20, grpc: 20, other: 40 };
const WARM_MAIN = WARM.proto + WARM.json + WARM.grpc;
/** Requests each ingest phase sends, and each interleaved round. */
const SHARE = Math.max(1, Math.floor(TOTAL / PER_REQUEST / 10));
const ROUND = Math.max(1, Math.floor(SHARE / 2));
/**
 * Every request the run sends, to all four servers (they share the request numbers): warm-up,
 * the comparison servers' rounds, and the main server's phases or its fill, whichever is more.
 * The templates spread them over the four weeks before now, so the main server's newest data
 * is about now, as a real store's is.
 */
const requestsInRun =
  3 * WARM.other +
  5 * ROUNDS * ROUND +
  Math.max(WARM_MAIN + 6 * SHARE + ROUNDS * ROUND, Math.ceil(TOTAL / PER_REQUEST), Math.ceil(CALLS / callsPerRequest));
const proto = protobufTemplate(spans, requestsInRun);
const json = jsonTemplate(spans, requestsInRun);
const bytesPerSpan = Math.round(proto.bytes / proto.spans);

console.log(`Sightline benchmark — ${new Date().toISOString()}`);
console.log(
  `  requests of ${PER_REQUEST} LLM spans (${callsPerRequest} of them model calls): ${fmt(proto.bytes / 1024, 0)} KiB protobuf (~${bytesPerSpan} B/span), ${fmt(json.bytes / 1024, 0)} KiB JSON`,
);
console.log(`  ${CONCURRENCY} requests in flight; SQLite file in ${dir}\n`);

const server = await startServerProcess(['--db', db]);
// The same server without reading LLM calls, for the cost of doing so.
const spansOnly = await startServerProcess(['--db', join(dir, 'spans-only.db'), '--no-llm-calls']);
// Two more, both fresh, so their databases grow alike: with and without the search index.
const indexed = await startServerProcess(['--db', join(dir, 'indexed.db')]);
const unindexed = await startServerProcess(['--db', join(dir, 'unindexed.db'), '--no-search-index']);
/** The main server's highest RSS sampled during ingest, and since the phase being measured began. */
let peak = 0;
let phasePeak = 0;
const sampler = setInterval(() => {
  const rss = server.rssMiB();
  peak = Math.max(peak, rss);
  phasePeak = Math.max(phasePeak, rss);
}, 100);

const line = (name: string, r: LoadResult, cpu: number, split: ReturnType<typeof threadSplit>) =>
  console.log(
    `  ${name.padEnd(22)} ${fmt(r.spansPerSecond, 0).padStart(8)} spans/s  (${r.spans.toLocaleString()} spans in ${fmt(r.seconds, 2)} s; server CPU ${fmt((cpu / r.spans) * 1e6, 1)} µs/span: main thread ${fmt(split.main, 1)}, writer ${fmt(split.busiest, 1)}, other threads ${fmt(split.rest, 1)}; RSS up to ${fmt(phasePeak, 0)} MiB${r.refused ? `; ${r.refused} refused with 503/UNAVAILABLE and retried` : ''})`,
  );
/** Runs a load on the main server and reports it with the server CPU it took, by thread, and its RSS. */
const measure = async (name: string, target: ServerProcess, run: () => Promise<LoadResult>) => {
  const before = target.cpuSeconds();
  const threadsBefore = target.threadCpuSeconds();
  phasePeak = target.rssMiB();
  const result = await run();
  const cpu = target.cpuSeconds() - before;
  line(name, result, cpu, threadSplit(threadsBefore, target.threadCpuSeconds(), target.proc.pid ?? 0, result.spans));
  return { result, cpu };
};
const protoLoad = (target: ServerProcess, requests: number) =>
  httpLoad(`${target.otlpHttp}/v1/traces`, 'application/x-protobuf', proto, requests, CONCURRENCY);
let llmCallsStored = 0;
const countCalls = (requests: number) => {
  llmCallsStored += requests * callsPerRequest;
};

try {
  // Warm-up: let each path's code get compiled before it is timed.
  await protoLoad(server, WARM.proto);
  await httpLoad(`${server.otlpHttp}/v1/traces`, 'application/json', json, WARM.json, CONCURRENCY);
  await grpcLoad(server.grpc, proto, WARM.grpc, CONCURRENCY);
  for (const other of [spansOnly, indexed, unindexed]) await protoLoad(other, WARM.other);
  countCalls(WARM_MAIN);
  console.log('Ingest, end to end (acknowledged = committed to SQLite), LLM calls read and priced:');
  const protoRun = await measure('OTLP/HTTP protobuf', server, () => protoLoad(server, SHARE * 2));
  await measure('OTLP/HTTP JSON', server, () => httpLoad(`${server.otlpHttp}/v1/traces`, 'application/json', json, SHARE * 2, CONCURRENCY));
  await measure('OTLP/gRPC', server, () => grpcLoad(server.grpc, proto, SHARE * 2, CONCURRENCY));
  countCalls(protoRun.result.requests + SHARE * 4);

  console.log(`\nThe cost of reading and pricing LLM calls (OTLP/HTTP protobuf, ${ROUNDS} interleaved rounds each):`);
  const modes = { withCalls: { spans: 0, seconds: 0, cpu: 0 }, spansOnly: { spans: 0, seconds: 0, cpu: 0 } };
  for (let r = 0; r < ROUNDS; r++) {
    for (const [mode, target] of [
      ['spansOnly', spansOnly],
      ['withCalls', server],
    ] as const) {
      const before = target.cpuSeconds();
      const result = await protoLoad(target, ROUND);
      const m = modes[mode];
      m.spans += result.spans;
      m.seconds += result.seconds;
      m.cpu += target.cpuSeconds() - before;
      if (mode === 'withCalls') countCalls(result.requests);
    }
  }
  const rate = (m: { spans: number; seconds: number }) => m.spans / m.seconds;
  const cpuPerSpan = (m: { spans: number; cpu: number }) => (m.cpu / m.spans) * 1e6;
  console.log(
    `  spans only (--no-llm-calls)   ${fmt(rate(modes.spansOnly), 0).padStart(8)} spans/s  (server CPU ${fmt(cpuPerSpan(modes.spansOnly), 1)} µs/span)`,
  );
  console.log(
    `  LLM calls read and priced     ${fmt(rate(modes.withCalls), 0).padStart(8)} spans/s  (server CPU ${fmt(cpuPerSpan(modes.withCalls), 1)} µs/span)`,
  );
  console.log(`  throughput with calls: ${fmt((rate(modes.withCalls) / rate(modes.spansOnly)) * 100, 1)}% of spans only (target ≥ 85%)`);
  await spansOnly.stop();

  // Two fresh servers take the same rounds in turn, so both databases (and the index) grow alike.
  console.log(
    `\nThe cost of the free-text search index (OTLP/HTTP protobuf, LLM calls on, ${ROUNDS * 2} interleaved rounds each, two fresh servers):`,
  );
  const indexing = { off: { spans: 0, seconds: 0, cpu: 0 }, on: { spans: 0, seconds: 0, cpu: 0 } };
  const pairs = [
    ['off', unindexed],
    ['on', indexed],
  ] as const;
  for (let r = 0; r < ROUNDS * 2; r++) {
    // Which goes first alternates, so neither always follows the other's load.
    for (const [mode, target] of r % 2 ? [...pairs].reverse() : pairs) {
      const before = target.cpuSeconds();
      const result = await protoLoad(target, ROUND);
      const m = indexing[mode];
      m.spans += result.spans;
      m.seconds += result.seconds;
      m.cpu += target.cpuSeconds() - before;
    }
  }
  console.log(
    `  without (--no-search-index)   ${fmt(rate(indexing.off), 0).padStart(8)} spans/s  (server CPU ${fmt(cpuPerSpan(indexing.off), 1)} µs/span)`,
  );
  console.log(
    `  with the search index         ${fmt(rate(indexing.on), 0).padStart(8)} spans/s  (server CPU ${fmt(cpuPerSpan(indexing.on), 1)} µs/span)`,
  );
  console.log(
    `  throughput with the index: ${fmt((rate(indexing.on) / rate(indexing.off)) * 100, 1)}% of without (target ≥ 90%); ${(indexing.on.spans / 1e3).toFixed(0)}k spans each`,
  );
  await indexed.stop();
  await unindexed.stop();

  const storedSpans = async () =>
    ((await (await fetch(`${server.api}/healthz`)).json()) as { ingest: { committed_spans: number } }).ingest.committed_spans;
  const fillTo = async (label: string, spansWanted: number) => {
    const rest = Math.ceil((spansWanted - (await storedSpans())) / PER_REQUEST);
    if (rest <= 0) return;
    const { result } = await measure(label, server, () => protoLoad(server, rest));
    countCalls(result.requests);
  };
  await fillTo('(fill, protobuf)', TOTAL);
  console.log(`\nServer RSS: peak ${fmt(Math.max(peak, server.peakRssMiB()), 0)} MiB during ingest; ${fmt(server.rssMiB(), 0)} MiB now`);
  console.log(`Stored: ${(await storedSpans()).toLocaleString()} spans; database ${fmt(statSync(db).size / 1024 / 1024, 0)} MiB (+WAL)`);
  const searchBytes = searchIndexBytes(db);
  console.log(
    `  of which the search index ${fmt(searchBytes / 1024 / 1024, 1)} MiB (${fmt(searchBytes / (await storedSpans()), 0)} B/span, ${fmt((searchBytes / statSync(db).size) * 100, 1)}% of the file)\n`,
  );

  // Query latency, measured from this process over HTTP (one request at a time).
  const pickRequest = () => 1 + Math.floor(Math.random() * requestsSent());
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const traceIdOf = (n: number, t: number) => hex(n, 8) + hex(t, 24);
  const rootSpanOf = (n: number, t: number) => hex(n, 8) + hex(t * 8, 8);
  const time = async (path: () => string, count = QUERIES) => {
    const ms: number[] = [];
    for (let i = 0; i < count; i++) {
      const p = path();
      const t0 = performance.now();
      const res = await fetch(server.api + p);
      await res.arrayBuffer();
      // A trace id picked from the other server's requests is not here: pick again.
      if (res.status === 404) {
        i--;
        continue;
      }
      if (res.status !== 200) throw new Error(`${p}: HTTP ${res.status}`);
      ms.push(performance.now() - t0);
    }
    return ms;
  };
  const report = (name: string, ms: number[]) =>
    console.log(`  ${name.padEnd(50)} p50 ${fmt(percentile(ms, 50), 2).padStart(7)} ms   p95 ${fmt(percentile(ms, 95), 2).padStart(7)} ms`);
  /** A mix of requests taken in turn, then each on its own (`count` requests each), labelled by what follows `prefix`. */
  const reportMix = async (name: string, prefix: string, paths: readonly string[], count = QUERIES) => {
    let i = 0;
    report(name, await time(() => paths[i++ % paths.length] as string));
    for (const p of paths) report(`  ${p.slice(prefix.length, prefix.length + 48) || '(no parameters)'}`, await time(() => p, count));
  };
  console.log(`Query latency at ${(await storedSpans()).toLocaleString()} spans (${QUERIES} requests each):`);
  report('trace by id (8 spans)', await time(() => `/api/traces/${traceIdOf(pickRequest(), Math.floor(Math.random() * 64))}`));
  report('span tree from the root', await time(() => `/api/spans/${rootSpanOf(pickRequest(), Math.floor(Math.random() * 64))}/tree`));
  const filters = [
    '/api/traces?service=support-bot&attr.gen_ai.request.model=eq:gpt-4o&limit=50',
    '/api/traces?status=error&limit=50',
    '/api/traces?name=chat%20claude-sonnet-4-5&min_duration_ms=1500&limit=50',
    '/api/traces?attr.user.id=eq:user-7&limit=50',
    '/api/traces?resource.deployment.environment=eq:prod&attr.gen_ai.usage.input_tokens=gt:3000&limit=50',
  ];
  await reportMix('filtered trace list (5 filter mixes)', '/api/traces?', filters);
  report('unfiltered trace list, newest 50', await time(() => '/api/traces?limit=50'));
  // Every chat span's text draws on the template's 22 words, so they match three spans in four;
  // a request's trace t (of 64) has the session conv-t, so "conv 42" matches one trace in 64.
  const traceSearches = [
    '/api/traces?q=revenue&limit=50',
    '/api/traces?q=quarterly+revenue+churn&limit=50',
    '/api/traces?q=conv-42&limit=50',
    '/api/traces?q=kangaroo&limit=50',
    '/api/traces?q=revenue&service=summarizer&limit=50',
    '/api/traces?q=revenue&status=error&limit=50',
    '/api/traces?q=outlook&order_by=duration&limit=50',
  ];
  await reportMix(`free-text search, trace list (${traceSearches.length} searches)`, '/api/traces?', traceSearches);
  // The same lists without q, for comparison (they read blocks by their sort bounds, see schema/014-sort-bounds.ts).
  const fewer = Math.ceil(QUERIES / 5);
  report(`  (no q) order_by=duration (${fewer} requests)`, await time(() => '/api/traces?order_by=duration&limit=50', fewer));
  const callSearches = [
    '/api/llm-calls?q=revenue&limit=50',
    '/api/llm-calls?q=conv-42&limit=50',
    '/api/llm-calls?q=kangaroo&limit=50',
    '/api/llm-calls?q=growth&model=gpt-4o&limit=50',
    '/api/llm-calls?q=execute_tool&limit=50',
    '/api/llm-calls?q=summary&order_by=cost&limit=50',
  ];
  await reportMix(`free-text search, call list (${callSearches.length} searches)`, '/api/llm-calls?', callSearches);
  report(`  (no q) order_by=cost (${fewer} requests)`, await time(() => '/api/llm-calls?order_by=cost&limit=50', fewer));

  // Metrics over the calls: fill until --calls are stored.
  console.log('');
  await fillTo('(fill to calls, protobuf)', Math.ceil((CALLS / callsPerRequest) * PER_REQUEST));
  // Ranges end at the newest data (the load's times run from four weeks ago to about now) and cut hours.
  const newest = Date.parse(
    ((await (await fetch(`${server.api}/api/traces?limit=1`)).json()) as { data: { start_time: string }[] }).data[0]?.start_time ?? '',
  );
  console.log(
    `\nLLM calls and metrics at ${llmCallsStored.toLocaleString()} stored calls (${(await storedSpans()).toLocaleString()} spans; the newest trace started ${new Date(newest).toISOString()}):`,
  );
  const metrics = [
    '/api/metrics?group_by=model',
    '/api/metrics?group_by=day',
    '/api/metrics?group_by=hour&start=7d',
    '/api/metrics?group_by=provider&service=support-bot&start=14d',
    '/api/metrics',
  ];
  await reportMix('/api/metrics (5 groupings and ranges, all calls)', '/api/metrics', metrics, Math.ceil(QUERIES / 3));
  const some = Math.ceil(QUERIES / 3);
  const last = (days: number) => `start=${new Date(newest - days * 86_400_000).toISOString()}&end=${new Date(newest).toISOString()}`;
  report('/api/metrics?group_by=session (all calls)', await time(() => '/api/metrics?group_by=session', some));
  report('/api/metrics?group_by=user (all calls)', await time(() => '/api/metrics?group_by=user', some));
  report('/api/metrics?group_by=user, the last day', await time(() => `/api/metrics?group_by=user&${last(1)}`, some));
  report('call list, newest 50', await time(() => '/api/llm-calls?limit=50'));
  report('call list, gpt-4o, newest 50', await time(() => '/api/llm-calls?model=gpt-4o&limit=50'));
  report('sessions, most recent 50', await time(() => '/api/sessions?limit=50'));
  // The template's traces carry sessions conv-0 … conv-(traces per request - 1), one trace each per request.
  const sessions = Math.min(97, PER_REQUEST / 8);
  const session = () => `/api/sessions/conv-${Math.floor(Math.random() * sessions)}`;
  const { session: one } = (await (await fetch(`${server.api}/api/sessions/conv-0?limit=1`)).json()) as { session: { call_count: number } };
  report(`one session of ~${one.call_count.toLocaleString()} calls: first page (200 calls)`, await time(session, some));
  report('  its latest 200 calls (order=desc)', await time(() => `${session()}?order=desc`, some));
  report('series: hourly, last 7 days, split by model', await time(() => `/api/metrics/series?split_by=model&${last(7)}`, some));
  report(
    'series: daily, last 30 days, split by provider',
    await time(() => `/api/metrics/series?bucket=day&split_by=provider&${last(30)}`, some),
  );
  report('facets, the last day', await time(() => `/api/facets?${last(1)}`, some));
  report('facets, all time', await time(() => '/api/facets', some));
} finally {
  clearInterval(sampler);
  await server.stop();
  await spansOnly.stop().catch(() => undefined);
  await indexed.stop().catch(() => undefined);
  await unindexed.stop().catch(() => undefined);
  if (opts.keep) console.log(`\nKept the database: ${db}`);
  else rmSync(dir, { recursive: true, force: true });
}

/**
 * Runs another benchmark script of this directory after a blank line, as a process of its own
 * (its options are not this script's); the run fails if it does.
 */
function runScript(file: string, args: string[] = []): void {
  console.log('');
  const run = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(new URL(file, import.meta.url)), ...args], {
    stdio: 'inherit',
  });
  if (run.status !== 0) process.exitCode = 1;
}

// The SDK's overhead per call (`npm run bench:sdk`, with its defaults).
runScript('./sdk-overhead.ts');
// Then the web UI in Chromium (`npm run bench:ui`), with --spans spans stored.
runScript('./ui.ts', ['--spans', String(TOTAL)]);
// Last, this build's ingest with the search index against the build of 2026-11-23, the day the
// web UI's targets were set (`npm run bench:against`; it installs that build the first time).
if (!opts['skip-against']) runScript('./against-build.ts');
