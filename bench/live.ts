import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { protobufTemplate, templateSpans } from './llm-spans.js';
import { httpLoad } from './load.js';
import { type ServerProcess, startServerProcess } from './server-process.js';
import { fmt, median } from './stats.js';

/**
 * `npm run build && npx tsx bench/live.ts`: what the live stream (`GET /api/live`) costs ingest.
 * Servers on one machine take the same OTLP/HTTP protobuf load (requests of 512 LLM spans,
 * 384 of them model calls) in interleaved rounds: one never has a client; one has a client
 * taking every event; one a client taking trace events only. `--baseline DIR` adds a server
 * built from another checkout (its `bench/server-process.ts` starts it), e.g. the code before
 * the live stream. Prints spans/s and server CPU per span, per round and overall.
 */
const { values: opts } = parseArgs({
  options: {
    requests: { type: 'string', default: '150' },
    rounds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '4' },
    baseline: { type: 'string' },
    /** Which servers besides the baseline: `none` (no client), `all` (a client of every event), `traces`. */
    modes: { type: 'string', default: 'none,all,traces' },
  },
});
const REQUESTS = Number(opts.requests);
const ROUNDS = Number(opts.rounds);
const CONCURRENCY = Number(opts.concurrency);

/** A client of the stream that reads as fast as it can and counts what it gets. */
interface Client {
  bytes: number;
  calls: number;
  traces: number;
  dropped: boolean;
  close(): void;
}

function subscribe(api: string, query: string): Promise<Client> {
  return new Promise((ok, fail) => {
    const client: Client = { bytes: 0, calls: 0, traces: 0, dropped: false, close: () => req.destroy() };
    const req = request(`${api}/api/live${query}`, { agent: false }, (res) => {
      if (res.statusCode !== 200) fail(new Error(`GET /api/live: HTTP ${res.statusCode}`));
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => {
        client.bytes += chunk.length;
        // A frame is never split across the lines counted here often enough to matter.
        client.calls += chunk.split('event: call\n').length - 1;
        client.traces += chunk.split('event: trace\n').length - 1;
        if (chunk.includes('event: dropped')) client.dropped = true;
      });
      ok(client);
    });
    req.on('error', (err) => {
      if (!client.dropped) fail(err);
    });
    req.end();
  });
}

const dir = mkdtempSync(join(tmpdir(), 'sightline-live-bench-'));
const proto = protobufTemplate(templateSpans(512));
const modes: {
  name: string;
  server: ServerProcess;
  client: Client | null;
  spans: number;
  seconds: number;
  cpu: number;
  rates: number[];
}[] = [];
try {
  if (opts.baseline) {
    const other = (await import(pathToFileURL(resolve(opts.baseline, 'bench/server-process.ts')).href)) as {
      startServerProcess: typeof startServerProcess;
    };
    const server = await other.startServerProcess(['--db', join(dir, 'baseline.db')]);
    modes.push({ name: `baseline (${opts.baseline})`, server, client: null, spans: 0, seconds: 0, cpu: 0, rates: [] });
  }
  const wanted = new Set(opts.modes.split(','));
  for (const [mode, name, query] of [
    ['none', 'no client', null],
    ['all', 'a client of every event', ''],
    ['traces', 'a client of trace events', '?events=trace'],
  ] as const) {
    if (!wanted.has(mode)) continue;
    const server = await startServerProcess(['--db', join(dir, `${modes.length}.db`)]);
    const client = query === null ? null : await subscribe(server.api, query);
    modes.push({ name, server, client, spans: 0, seconds: 0, cpu: 0, rates: [] });
  }
  console.log(`Live stream cost — ${new Date().toISOString()}`);
  console.log(
    `  ${ROUNDS} interleaved rounds of ${REQUESTS} requests (512 LLM spans each, ${fmt(proto.bytes / 1024, 0)} KiB protobuf), ${CONCURRENCY} in flight\n`,
  );
  // Warm-up: let each server's code get compiled before it is timed.
  for (const m of modes) await httpLoad(`${m.server.otlpHttp}/v1/traces`, 'application/x-protobuf', proto, 30, CONCURRENCY);
  for (let r = 0; r < ROUNDS; r++) {
    // A different order each round, so no mode always runs right after another.
    const order = modes.map((_, i) => modes[(i + r) % modes.length] as (typeof modes)[number]);
    for (const m of order) {
      const before = m.server.cpuSeconds();
      const result = await httpLoad(`${m.server.otlpHttp}/v1/traces`, 'application/x-protobuf', proto, REQUESTS, CONCURRENCY);
      m.cpu += m.server.cpuSeconds() - before;
      m.spans += result.spans;
      m.seconds += result.seconds;
      m.rates.push(result.spansPerSecond);
    }
  }
  await new Promise((r) => setTimeout(r, 1500));
  const reference = (modes.find((m) => m.name === 'no client') ?? modes[0]) as (typeof modes)[number];
  const rate = (m: (typeof modes)[number]) => m.spans / m.seconds;
  for (const m of modes) {
    const received = m.client
      ? `; the client got ${m.client.calls.toLocaleString()} call and ${m.client.traces.toLocaleString()} trace events, ${fmt(m.client.bytes / 1024 / 1024, 0)} MiB${m.client.dropped ? ', then was DROPPED' : ''}`
      : '';
    console.log(
      `  ${m.name.padEnd(28)} ${fmt(rate(m), 0).padStart(8)} spans/s (median round ${fmt(median(m.rates), 0)}; ${fmt((rate(m) / rate(reference)) * 100, 1)}% of ${reference.name}), server CPU ${fmt((m.cpu / m.spans) * 1e6, 1)} µs/span${received}`,
    );
    console.log(`  ${''.padEnd(28)} rounds: ${m.rates.map((x) => fmt(x, 0)).join(', ')}`);
  }
} finally {
  for (const m of modes) {
    m.client?.close();
    await m.server.stop();
  }
  rmSync(dir, { recursive: true, force: true });
}
