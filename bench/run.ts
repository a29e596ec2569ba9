import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { jsonTemplate, protobufTemplate, templateSpans } from './llm-spans.js';
import { grpcLoad, httpLoad, type LoadResult, requestsSent } from './load.js';
import { startServerProcess } from './server-process.js';
import { fmt, percentile } from './stats.js';

/**
 * `npm run bench`: ingest throughput over OTLP/HTTP protobuf, OTLP/HTTP JSON and OTLP/gRPC
 * into SQLite, end to end (a request counts when acknowledged, i.e. committed); the server's
 * RSS; then query latency with the store filled to --spans spans.
 */
const { values: opts } = parseArgs({
  options: {
    spans: { type: 'string', default: '1000000' },
    concurrency: { type: 'string', default: '4' },
    queries: { type: 'string', default: '300' },
    keep: { type: 'boolean', default: false },
  },
});
const TOTAL = Number(opts.spans);
const CONCURRENCY = Number(opts.concurrency);
const QUERIES = Number(opts.queries);
const PER_REQUEST = 512;

const dir = mkdtempSync(join(tmpdir(), 'sightline-bench-'));
const db = join(dir, 'bench.db');
const spans = templateSpans(PER_REQUEST);
const proto = protobufTemplate(spans);
const json = jsonTemplate(spans);
const bytesPerSpan = Math.round(proto.bytes / proto.spans);

console.log(`Sightline benchmark — ${new Date().toISOString()}`);
console.log(
  `  requests of ${PER_REQUEST} LLM spans: ${fmt(proto.bytes / 1024, 0)} KiB protobuf (~${bytesPerSpan} B/span), ${fmt(json.bytes / 1024, 0)} KiB JSON`,
);
console.log(`  ${CONCURRENCY} requests in flight; SQLite file in ${dir}\n`);

const server = await startServerProcess(['--db', db]);
let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, server.rssMiB());
}, 100);

const line = (name: string, r: LoadResult, cpu: number) =>
  console.log(
    `  ${name.padEnd(22)} ${fmt(r.spansPerSecond, 0).padStart(8)} spans/s  (${r.spans.toLocaleString()} spans in ${fmt(r.seconds, 2)} s; server CPU ${fmt((cpu / r.spans) * 1e6, 1)} µs/span${r.refused ? `; ${r.refused} refused with 503/UNAVAILABLE and retried` : ''})`,
  );
/** Runs a load and reports it with the server CPU it took. */
const measure = async (name: string, run: () => Promise<LoadResult>) => {
  const before = server.cpuSeconds();
  const result = await run();
  line(name, result, server.cpuSeconds() - before);
};

try {
  // Warm-up: let each path's code get compiled before it is timed.
  await httpLoad(`${server.otlpHttp}/v1/traces`, 'application/x-protobuf', proto, 40, CONCURRENCY);
  await httpLoad(`${server.otlpHttp}/v1/traces`, 'application/json', json, 20, CONCURRENCY);
  await grpcLoad(server.grpc, proto, 20, CONCURRENCY);
  const share = Math.max(1, Math.floor(TOTAL / PER_REQUEST / 10));
  console.log('Ingest, end to end (acknowledged = committed to SQLite):');
  await measure('OTLP/HTTP protobuf', () =>
    httpLoad(`${server.otlpHttp}/v1/traces`, 'application/x-protobuf', proto, share * 4, CONCURRENCY),
  );
  await measure('OTLP/HTTP JSON', () => httpLoad(`${server.otlpHttp}/v1/traces`, 'application/json', json, share * 2, CONCURRENCY));
  await measure('OTLP/gRPC', () => grpcLoad(server.grpc, proto, share * 2, CONCURRENCY));
  const rest = Math.ceil(TOTAL / PER_REQUEST) - requestsSent();
  if (rest > 0)
    await measure('(fill, protobuf)', () => httpLoad(`${server.otlpHttp}/v1/traces`, 'application/x-protobuf', proto, rest, CONCURRENCY));
  clearInterval(sampler);
  const stored = requestsSent() * PER_REQUEST;
  console.log(`\nServer RSS: peak ${fmt(Math.max(peak, server.peakRssMiB()), 0)} MiB during ingest; ${fmt(server.rssMiB(), 0)} MiB now`);
  console.log(`Stored: ${stored.toLocaleString()} spans; database ${fmt(statSync(db).size / 1024 / 1024, 0)} MiB (+WAL)\n`);

  // Query latency, measured from this process over HTTP (one request at a time).
  const pickRequest = () => 1 + Math.floor(Math.random() * requestsSent());
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const traceIdOf = (n: number, t: number) => hex(n, 8) + hex(t, 24);
  const rootSpanOf = (n: number, t: number) => hex(n, 8) + hex(t * 8, 8);
  const time = async (path: () => string) => {
    const ms: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const p = path();
      const t0 = performance.now();
      const res = await fetch(server.api + p);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${p}: HTTP ${res.status}`);
      ms.push(performance.now() - t0);
    }
    return ms;
  };
  const report = (name: string, ms: number[]) =>
    console.log(`  ${name.padEnd(44)} p50 ${fmt(percentile(ms, 50), 2).padStart(7)} ms   p95 ${fmt(percentile(ms, 95), 2).padStart(7)} ms`);
  console.log(`Query latency at ${stored.toLocaleString()} spans (${QUERIES} requests each):`);
  report('trace by id (8 spans)', await time(() => `/api/traces/${traceIdOf(pickRequest(), Math.floor(Math.random() * 64))}`));
  report('span tree from the root', await time(() => `/api/spans/${rootSpanOf(pickRequest(), Math.floor(Math.random() * 64))}/tree`));
  const filters = [
    '/api/traces?service=support-bot&attr.gen_ai.request.model=eq:gpt-4o&limit=50',
    '/api/traces?status=error&limit=50',
    '/api/traces?name=chat%20claude-sonnet-4-5&min_duration_ms=1500&limit=50',
    '/api/traces?attr.user.id=eq:user-7&limit=50',
    '/api/traces?resource.deployment.environment=eq:prod&attr.gen_ai.usage.input_tokens=gt:3000&limit=50',
  ];
  let f = 0;
  report('filtered trace list (5 filter mixes)', await time(() => filters[f++ % filters.length] as string));
  for (const filter of filters) report(`  ${filter.slice('/api/traces?'.length, 50)}`, await time(() => filter));
  report('unfiltered trace list, newest 50', await time(() => '/api/traces?limit=50'));
} finally {
  clearInterval(sampler);
  await server.stop();
  if (opts.keep) console.log(`\nKept the database: ${db}`);
  else rmSync(dir, { recursive: true, force: true });
}
