import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from './server-process.js';

/**
 * `npm run bench:metrics`: OTLP metrics in and out. An app fleet's GenAI client metrics —
 * `--series` series (services × models × token types), a point each every 10 s for `--hours`
 * hours, as cumulative histograms and counters — are posted as OTLP/JSON in requests of 1,000
 * points; then the list and grouped queries of /api/otel-metrics are timed over the whole range.
 * Prints points/s ingested, the server's CPU per point, the database size, and query p50/p95.
 */
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const SERIES = Number(args.get('series') ?? 200);
const HOURS = Number(args.get('hours') ?? 6);
const STEP_S = 10;
const PER_REQUEST = 1_000;

const dir = mkdtempSync(join(tmpdir(), 'sightline-bench-metrics-'));
const server = await startServerProcess(['--db', join(dir, 'bench.db')]);
try {
  const start = BigInt(Date.now() - HOURS * 3_600_000) * 1_000_000n;
  const steps = (HOURS * 3600) / STEP_S;
  const series = Array.from({ length: SERIES }, (_, i) => ({
    service: `svc-${i % 10}`,
    model: `model-${Math.floor(i / 10) % 10}`,
    type: i % 2 ? 'output' : 'input',
    id: i,
  }));
  let points: string[] = [];
  let sent = 0;
  const cpu0 = server.cpuSeconds();
  const t0 = performance.now();
  const flush = async () => {
    if (!points.length) return;
    const body = `{"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bench"}}]},"scopeMetrics":[{"scope":{"name":"bench"},"metrics":[${points.join(',')}]}]}]}`;
    const res = await fetch(`${server.otlpHttp}/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
    sent += points.length;
    points = [];
  };
  for (let step = 1; step <= steps; step++) {
    const time = String(start + BigInt(step * STEP_S) * 1_000_000_000n);
    for (const s of series) {
      const count = step * 3;
      const attrs = `[{"key":"gen_ai.token.type","value":{"stringValue":"${s.type}"}},{"key":"gen_ai.request.model","value":{"stringValue":"${s.model}"}},{"key":"svc","value":{"stringValue":"${s.service}"}}]`;
      points.push(
        `{"name":"gen_ai.client.token.usage","unit":"{token}","histogram":{"aggregationTemporality":2,"dataPoints":[{"attributes":${attrs},"startTimeUnixNano":"${start}","timeUnixNano":"${time}","count":"${count}","sum":${count * 120},"bucketCounts":["0","${count}","0","0"],"explicitBounds":[10,1000,10000]}]}}`,
      );
      if (points.length >= PER_REQUEST) await flush();
    }
  }
  await flush();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = server.cpuSeconds() - cpu0;
  console.log(
    `ingest  ${sent.toLocaleString('en-US')} points in ${seconds.toFixed(1)} s: ${Math.round(sent / seconds).toLocaleString('en-US')} points/s, ${((cpu / sent) * 1e6).toFixed(1)} µs server CPU/point, RSS ${server.rssMiB()} MiB`,
  );
  const time = async (path: string, runs = 15) => {
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const res = await fetch(`${server.api}${path}`);
      await res.text();
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    console.log(
      `query   ${path}\n        p50 ${ms[Math.floor(runs / 2)]?.toFixed(1)} ms  p95 ${ms[Math.ceil(runs * 0.95) - 1]?.toFixed(1)} ms`,
    );
  };
  await time(`/api/otel-metrics?start=${HOURS + 1}h`);
  await time(`/api/otel-metrics?name=gen_ai.client.token.usage&group_by=gen_ai.token.type&start=${HOURS + 1}h`);
  await time(`/api/otel-metrics?name=gen_ai.client.token.usage&group_by=svc,gen_ai.request.model&start=${HOURS + 1}h&step=5m`);
  await time(`/api/otel-metrics?name=gen_ai.client.token.usage&group_by=gen_ai.token.type&start=1h&step=1m`);
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
