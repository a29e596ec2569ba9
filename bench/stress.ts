import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bigTraceBodies, encodeSpans, hex, plainSpans } from './big-trace.js';
import { protobufTemplate, type Template, templateSpans } from './llm-spans.js';
import { postOtlp } from './otlp-post.js';
import { type ServerProcess, startServerProcess } from './server-process.js';
import { fmt, percentile } from './stats.js';

/**
 * `npm run bench:stress`: the server under the loads that used to take it down, one fresh
 * server each. For each: answers by HTTP status, writer threads replaced, peak RSS, and the
 * latency of /healthz asked every 50 ms on a fresh connection by a separate process
 * (the event loop's responsiveness as a client sees it).
 *
 *   npx tsx bench/stress.ts                      # every scenario
 *   npx tsx bench/stress.ts --only agent-runs --seconds 60
 */
const { values: opts } = parseArgs({
  options: {
    only: { type: 'string' },
    seconds: { type: 'string', default: '60' },
    calls: { type: 'string', default: '600000' },
  },
});

interface Report {
  readonly scenario: string;
  readonly statuses: Map<string, number>;
  readonly restarts: number;
  readonly peakRss: number;
  readonly healthz: { p50: number; p95: number; max: number; failures: number };
  readonly notes: string[];
}

const PROBE = fileURLToPath(new URL('./healthz-probe.mjs', import.meta.url));

/** Runs `body` against a fresh server, measuring what every scenario reports. */
async function scenario(
  name: string,
  body: (server: ServerProcess, count: (status: number | string) => void, notes: string[]) => Promise<void>,
  args: string[] = [],
): Promise<Report> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-stress-'));
  const server = await startServerProcess(['--db', join(dir, 'stress.db'), ...args]);
  let log = '';
  server.proc.stderr?.on('data', (d) => {
    log += d;
  });
  const probe = spawn(process.execPath, [PROBE, server.api], { stdio: ['ignore', 'pipe', 'inherit'] });
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, server.rssMiB());
  }, 100);
  const statuses = new Map<string, number>();
  const notes: string[] = [];
  process.stdout.write(`  ${name} … `);
  const t0 = performance.now();
  try {
    await body(server, (s) => statuses.set(String(s), (statuses.get(String(s)) ?? 0) + 1), notes);
  } finally {
    clearInterval(sampler);
  }
  const probed = await stopProbe(probe);
  const health = (await (await fetch(`${server.api}/healthz`)).json()) as { ingest: { writer_restarts: number } };
  peak = Math.max(peak, server.peakRssMiB());
  const stopT0 = performance.now();
  await server.stop();
  notes.push(`shutdown ${fmt((performance.now() - stopT0) / 1000, 1)} s`);
  rmSync(dir, { recursive: true, force: true });
  const deaths = (log.match(/writer thread stopped/g) ?? []).length;
  console.log(`${fmt((performance.now() - t0) / 1000, 0)} s`);
  return {
    scenario: name,
    statuses,
    restarts: Math.max(health.ingest.writer_restarts, deaths),
    peakRss: peak,
    healthz: {
      p50: percentile(probed.latencies, 50),
      p95: percentile(probed.latencies, 95),
      max: Math.max(...probed.latencies),
      failures: probed.failures,
    },
    notes,
  };
}

function stopProbe(probe: ChildProcess): Promise<{ latencies: number[]; failures: number }> {
  return new Promise((resolve) => {
    let out = '';
    probe.stdout?.on('data', (d) => {
      out += d;
    });
    probe.once('exit', () => resolve(JSON.parse(out || '{"latencies":[],"failures":0}')));
    probe.kill('SIGTERM');
  });
}

/** Sends a body until it is accepted, as an exporter retries (503: after Retry-After). Counts every answer. */
async function sendUntilAccepted(url: string, body: Buffer, agent: Agent, count: (s: number | string) => void): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { status, retryAfter: after } = await postOtlp(url, body, agent);
    const retryAfter = after ?? 1;
    count(status);
    if (status === 200 || (typeof status === 'number' && status < 500)) return;
    await new Promise((r) => setTimeout(r, retryAfter * 1000));
  }
}

/** `clients` clients posting requests of `template` back to back for `seconds`. */
async function postFor(server: ServerProcess, template: Template, clients: number, seconds: number, count: (s: number | string) => void) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const end = Date.now() + seconds * 1000;
  let n = 1;
  let spans = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) {
        await sendUntilAccepted(`${server.otlpHttp}/v1/traces`, template.body(n++), agent, count);
        spans += template.spans;
      }
    }),
  );
  agent.destroy();
  return spans;
}

/** Times a GET and the size of its answer. */
async function timedGet(url: string): Promise<{ ms: number; bytes: number; status: number }> {
  const t0 = performance.now();
  const res = await fetch(url);
  const bytes = (await res.arrayBuffer()).byteLength;
  return { ms: performance.now() - t0, bytes, status: res.status };
}

const SECONDS = Number(opts.seconds);
const SCENARIOS: Record<string, () => Promise<Report>> = {
  'agent-runs': () =>
    scenario(`agent-runs: 4 clients posting traces of 512 spans (448 LLM calls) for ${SECONDS} s`, async (server, count, notes) => {
      const template = protobufTemplate(templateSpans(512, 1, 512));
      const t0 = performance.now();
      const spans = await postFor(server, template, 4, SECONDS, count);
      notes.push(`${fmt(spans / ((performance.now() - t0) / 1000), 0)} spans/s accepted`);
    }),
  'agent-runs-in-batches': () =>
    scenario(
      'agent-runs-in-batches: 4 agent runs of 8,000 spans (4,000 LLM calls) each, sent 512 spans at a time',
      async (server, count, notes) => {
        // As a BatchSpanProcessor exports a long run: each request carries the next spans of every
        // run, so the writer finds each trace again in every batch (its cache of returning traces).
        const runs = Array.from({ length: 4 }, (_, r) => {
          const traceId = hex(0xa000 + r, 32);
          const id = (k: number) => hex(r * 10_000_000 + k + 1, 16);
          return Array.from({ length: Math.ceil(8_000 / 512) }, (_, part) =>
            encodeSpans(
              plainSpans(
                Math.min(512, 8_000 - part * 512),
                (i) => {
                  const k = part * 512 + i;
                  return { traceId, spanId: id(k), parentSpanId: k === 0 ? undefined : id(Math.floor((k - 1) / 10)) };
                },
                2,
              ),
            ),
          );
        });
        const agent = new Agent({ keepAlive: true, maxSockets: 4 });
        const t0 = performance.now();
        await Promise.all(
          runs.map(async (bodies) => {
            for (const body of bodies) await sendUntilAccepted(`${server.otlpHttp}/v1/traces`, body, agent, count);
          }),
        );
        notes.push(`${fmt(32_000 / ((performance.now() - t0) / 1000), 0)} spans/s accepted`);
        agent.destroy();
      },
    ),
  'many-traces': () =>
    scenario('many-traces: a request of 100,000 one-span traces, sent 3 times', async (server, count, notes) => {
      const body = encodeSpans(plainSpans(100_000, (i) => ({ traceId: hex(i + 1, 32), spanId: hex(i + 1, 16) })));
      notes.push(`${fmt(body.length / 1024 / 1024, 1)} MiB`);
      const agent = new Agent({ keepAlive: true });
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        await sendUntilAccepted(`${server.otlpHttp}/v1/traces`, body, agent, count);
        notes.push(`${fmt(performance.now() - t0, 0)} ms`);
      }
      agent.destroy();
    }),
  'big-bodies': () =>
    scenario('big-bodies: 48 clients each posting a 19 MB request at once', async (server, count, notes) => {
      const template = protobufTemplate(templateSpans(14_600));
      notes.push(`${fmt(template.bytes / 1024 / 1024, 1)} MiB each`);
      const agent = new Agent({ keepAlive: true, maxSockets: 48 });
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: 48 }, (_, i) => sendUntilAccepted(`${server.otlpHttp}/v1/traces`, template.body(i + 1), agent, count)),
      );
      notes.push(`all accepted in ${fmt((performance.now() - t0) / 1000, 1)} s`);
      agent.destroy();
    }),
  'huge-trace': () =>
    scenario('huge-trace: one trace of 200,000 spans, then read whole', async (server, count, notes) => {
      const traceId = hex(0xabc, 32);
      // A tree ten wide at each level, sent in requests of 10,000 spans.
      const agent = new Agent({ keepAlive: true });
      for (const body of bigTraceBodies(traceId, 200_000)) await sendUntilAccepted(`${server.otlpHttp}/v1/traces`, body, agent, count);
      agent.destroy();
      for (let k = 0; k < 3; k++) {
        const r = await timedGet(`${server.api}/api/traces/${traceId}`);
        count(`GET trace ${r.status}`);
        notes.push(`GET trace ${fmt(r.bytes / 1024 / 1024, 0)} MiB in ${fmt(r.ms, 0)} ms`);
      }
      const tree = await timedGet(`${server.api}/api/spans/${hex(1, 16)}/tree`);
      count(`GET tree ${tree.status}`);
      notes.push(`GET tree ${fmt(tree.bytes / 1024 / 1024, 0)} MiB in ${fmt(tree.ms, 0)} ms`);
    }),
  recompute: () =>
    scenario(`recompute: POST /api/admin/recompute-costs at ${Number(opts.calls).toLocaleString()} calls`, async (server, count, notes) => {
      const template = protobufTemplate(templateSpans(512));
      const requests = Math.ceil(Number(opts.calls) / 384);
      const agent = new Agent({ keepAlive: true, maxSockets: 4 });
      let n = 1;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (n <= requests) await sendUntilAccepted(`${server.otlpHttp}/v1/traces`, template.body(n++), agent, count);
        }),
      );
      agent.destroy();
      // The probe's figures so far are from the fill; what matters is during repricing.
      for (let k = 0; k < 2; k++) {
        const t0 = performance.now();
        const res = await fetch(`${server.api}/api/admin/recompute-costs`, { method: 'POST' });
        const answer = (await res.json()) as { calls: number };
        count(`recompute ${res.status}`);
        notes.push(`repriced ${answer.calls.toLocaleString()} calls in ${fmt((performance.now() - t0) / 1000, 1)} s`);
      }
    }),
  'idle-connections': () =>
    scenario('idle-connections: 19,000 TCP connections that send nothing, held 20 s', (server, count, notes) =>
      holdIdleConnections(new URL(server.api), count, notes),
    ),
  'idle-grpc-connections': () =>
    scenario('idle-grpc-connections: 19,000 TCP connections to the gRPC port that send nothing, held 20 s', (server, count, notes) =>
      holdIdleConnections(new URL(`http://${server.grpc}`), count, notes),
    ),
  'big-log-body': () =>
    scenario('big-log-body: a request of 50,000 log records in OTLP/JSON (18.5 MiB), 3 times', (server, count, notes) =>
      postJsonThrice(`${server.otlpHttp}/v1/logs`, logsJsonBody(50_000), count, notes),
    ),
  'big-metric-body': () =>
    scenario('big-metric-body: a request of 60,000 metric points in OTLP/JSON (17.2 MiB), 3 times', (server, count, notes) =>
      postJsonThrice(`${server.otlpHttp}/v1/metrics`, metricsJsonBody(100, 600), count, notes),
    ),
  'open-spans': () =>
    scenario('open-spans: 400 Llama Stack spans of 900 KB opened and never closed', async (server, count, notes) => {
      const note = 'x'.repeat(900 * 1024);
      for (let i = 0; i < 400; i++) {
        const res = await fetch(`${server.api}/v1/telemetry/log-event`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            event: {
              type: 'structured_log',
              trace_id: hex(7, 32),
              span_id: hex(i + 1, 16),
              timestamp: new Date().toISOString(),
              attributes: { note },
              payload: { type: 'span_start', name: `step ${i}` },
            },
          }),
        });
        await res.arrayBuffer();
        count(res.status);
      }
      notes.push(`RSS after ${fmt(server.rssMiB(), 0)} MiB`);
    }),
};

/** Posts one large OTLP/JSON body three times, one after the other; notes its size and each answer's time. */
async function postJsonThrice(url: string, body: string, count: (status: number | string) => void, notes: string[]): Promise<void> {
  notes.push(`${fmt(body.length / 1024 / 1024, 1)} MiB`);
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    await res.arrayBuffer();
    count(res.status);
    notes.push(`${fmt((performance.now() - t0) / 1000, 2)} s`);
  }
}

/** An OTLP/JSON logs request of `n` records of one service, like an application's request log. */
function logsJsonBody(n: number): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  const records = Array.from({ length: n }, (_, i) => ({
    timeUnixNano: String(now + BigInt(i)),
    severityNumber: 9,
    severityText: 'INFO',
    body: { stringValue: `request ${i} handled for user-${i % 97} in ${i % 300} ms: the model answered with a concise summary` },
    attributes: [
      { key: 'http.route', value: { stringValue: '/v1/chat' } },
      { key: 'user.id', value: { stringValue: `user-${i % 97}` } },
    ],
    traceId: hex(i + 1, 32),
    spanId: hex(i + 1, 16),
  }));
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'chat-app' } }] },
        scopeLogs: [{ scope: { name: 'app' }, logRecords: records }],
      },
    ],
  });
}

/** An OTLP/JSON metrics request: `metrics` cumulative sums of `points` points each (per model, token type, instance). */
function metricsJsonBody(metrics: number, points: number): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'chat-app' } }] },
        scopeMetrics: [
          {
            scope: { name: 'app' },
            metrics: Array.from({ length: metrics }, (_, m) => ({
              name: `gen_ai.client.token.usage.${m}`,
              unit: '{token}',
              sum: {
                aggregationTemporality: 2,
                isMonotonic: true,
                dataPoints: Array.from({ length: points }, (_, i) => ({
                  startTimeUnixNano: String(now - 3_600_000_000_000n),
                  timeUnixNano: String(now + BigInt(i) * 1_000_000n),
                  asInt: String(i * 10),
                  attributes: [
                    { key: 'gen_ai.request.model', value: { stringValue: `model-${i % 7}` } },
                    { key: 'gen_ai.token.type', value: { stringValue: i % 2 ? 'input' : 'output' } },
                    { key: 'service.instance', value: { stringValue: `instance-${i % 13}` } },
                  ],
                })),
              },
            })),
          },
        ],
      },
    ],
  });
}

/** Opens 19,000 connections to `url`'s port that send nothing, and holds them for 20 s. */
async function holdIdleConnections(url: URL, count: (what: string | number) => void, notes: string[]): Promise<void> {
  const sockets: Socket[] = [];
  let closedByServer = 0;
  await new Promise<void>((resolve) => {
    let pending = 19_000;
    for (let i = 0; i < 19_000; i++) {
      const socket = connect(Number(url.port), url.hostname);
      socket.on('connect', () => count('connected'));
      socket.on('error', () => count('connect error'));
      socket.on('close', () => {
        closedByServer++;
      });
      // Read what the server sends (gRPC's settings), or its close would go unseen.
      socket.resume();
      socket.once('connect', () => --pending === 0 && resolve());
      socket.once('error', () => --pending === 0 && resolve());
      sockets.push(socket);
    }
  });
  await new Promise((r) => setTimeout(r, 20_000));
  notes.push(`${closedByServer} closed by the server while idle`);
  for (const s of sockets) s.destroy();
}

console.log(`Sightline stress — ${new Date().toISOString()}\n`);
const chosen = opts.only ? opts.only.split(',') : Object.keys(SCENARIOS);
const reports: Report[] = [];
for (const name of chosen) {
  const run = SCENARIOS[name];
  if (!run) throw new Error(`no scenario ${name}; choose from ${Object.keys(SCENARIOS).join(', ')}`);
  reports.push(await run());
}
console.log('');
for (const r of reports) {
  console.log(r.scenario);
  console.log(`  answers          ${[...r.statuses].map(([s, n]) => `${s} ×${n.toLocaleString()}`).join(', ')}`);
  console.log(`  writer restarts  ${r.restarts}`);
  console.log(`  peak RSS         ${fmt(r.peakRss, 0)} MiB`);
  console.log(
    `  /healthz         p50 ${fmt(r.healthz.p50, 1)} ms, p95 ${fmt(r.healthz.p95, 1)} ms, max ${fmt(r.healthz.max, 0)} ms${r.healthz.failures ? `, ${r.healthz.failures} failed` : ''}`,
  );
  console.log(`  notes            ${r.notes.join('; ')}\n`);
}
