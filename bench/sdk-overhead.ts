import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startMockOpenAi } from '../testing/mock-openai.js';
import { INSTRUMENTATIONS, type InstrumentationName } from './sdk-instrumentations.js';
import type { BlockResult, ChildResult } from './sdk-overhead-child.js';
import { fmt, median } from './stats.js';

/**
 * `npm run bench:sdk`: what instrumenting the `openai` client costs per call — Sightline's SDK,
 * OpenInference's and OpenTelemetry's instrumentations, each in a child process of its own (they
 * patch the same module and cannot be undone cleanly), against the uninstrumented client, in
 * interleaved rounds. Spans go to memory; the mock OpenAI server runs in this process.
 */
const { values: opts } = parseArgs({
  options: {
    calls: { type: 'string', default: '3000' },
    'stream-calls': { type: 'string', default: '1500' },
    /** `in-process` (default): the mock's bytes through a fetch given to the client; `http`: the mock server on 127.0.0.1. */
    transport: { type: 'string', default: 'in-process' },
    warmup: { type: 'string', default: '2500' },
    rounds: { type: 'string', default: '4' },
    blocks: { type: 'string', default: '6' },
    'content-off-only': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    /** Writes every child's figures, by variant and round, to this JSON file. */
    out: { type: 'string' },
  },
});
const ROUNDS = Number(opts.rounds);
// Streams through the HTTP mock take ~15 ms each (its sleeps): fewer of them there.
const WARMUP_STREAMED = Math.ceil(Number(opts.warmup) / (opts.transport === 'http' ? 20 : 2));
const CHILD = fileURLToPath(new URL('./sdk-overhead-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const profileDir = opts['cpu-prof'] ? mkdtempSync(join(tmpdir(), 'sightline-sdk-prof-')) : null;

interface Variant {
  instrumentation: InstrumentationName;
  content: boolean;
}
const contentRows = opts['content-off-only'] ? [false] : [false, true];
const variants: Variant[] = [
  { instrumentation: 'baseline', content: false },
  ...contentRows.flatMap((content) =>
    INSTRUMENTATIONS.filter((i) => i !== 'baseline').map((instrumentation) => ({ instrumentation, content })),
  ),
];
const version = (pkg: string) =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
const LABELS: Record<InstrumentationName, string> = {
  baseline: 'uninstrumented',
  sightline: `@sightline/sdk ${version('@sightline/sdk')}`,
  openinference: `@arizeai/openinference-instrumentation-openai ${version('@arizeai/openinference-instrumentation-openai')}`,
  otel: `@opentelemetry/instrumentation-openai ${version('@opentelemetry/instrumentation-openai')}`,
};

/** The child's environment: without variables that would change what an instrumentation records. */
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SIGHTLINE_|OTEL_|OPENINFERENCE_)/.test(k)));

function runChild(v: Variant, url: string): Promise<ChildResult> {
  const args = ['--instrumentation', v.instrumentation, '--url', url, '--calls', opts.calls, '--stream-calls', opts['stream-calls']];
  args.push('--warmup', opts.warmup, '--warmup-streamed', String(WARMUP_STREAMED), '--blocks', opts.blocks);
  if (v.content) args.push('--content');
  // One directory per variant (a child writes a profile per thread: tsx's loader runs in a worker).
  const profile = profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, `${v.instrumentation}-content-${v.content ? 'on' : 'off'}`)}`]
    : [];
  const child = fork(CHILD, args, { cwd: ROOT, env: childEnv, execArgv: [...process.execArgv, ...profile], stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    let result: ChildResult | null = null;
    child.on('message', (m) => {
      result = m as ChildResult;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`the ${v.instrumentation} child exited with code ${code} and no result`)),
    );
  });
}

const n = (name: 'calls' | 'stream-calls' | 'warmup') => Number(opts[name]).toLocaleString();
console.log(`Sightline SDK overhead benchmark — ${new Date().toISOString()}, Node ${process.version}, openai ${version('openai')}`);
const provider =
  opts.transport === 'http'
    ? `a mock OpenAI server on 127.0.0.1 (in this process; 9 chunks per stream, 2 ms after each of 6 words)`
    : `a mock OpenAI provider in process: the mock server's bytes (9 SSE chunks per stream) through a fetch given to the
  client, no socket in between, so network noise does not hide what wraps the client (--transport http for the server)`;
console.log(`  The official openai client against ${provider}. Each instrumentation runs in a child process of its own, in
  ${ROUNDS} interleaved rounds (the order rotates). A child warms up (${n('warmup')} chat calls and
  ${WARMUP_STREAMED.toLocaleString()} streamed, 8 in flight), then makes ${n('calls')} chat calls and ${n('stream-calls')} streamed ones
  (include_usage), one after the other on one client.
  Spans: BasicTracerProvider → SimpleSpanProcessor → in-memory exporter, AsyncLocalStorage context manager, for all three
  (what Sightline's exporter: 'memory' builds). Content off: Sightline's default, OpenInference hideInputs + hideOutputs,
  OTel captureMessageContent false. Content on: captureContent, OpenInference's default traceConfig,
  captureMessageContent (OTel's content is in log events, so it gets an in-memory log pipeline too).
  Calls are timed in ${opts.blocks} blocks of each kind (chat and streamed blocks alternate); a child's figure is the median
  of its blocks. Shown: µs per call over the uninstrumented client's median, median [range] over rounds; wall time,
  and CPU time of the client process (user + system).
`);

if (opts.transport !== 'in-process' && opts.transport !== 'http') throw new Error('--transport is in-process or http');
const mock = opts.transport === 'http' ? await startMockOpenAi({ firstChunkDelayMs: 0 }) : null;
const results = new Map<Variant, ChildResult[]>(variants.map((v) => [v, []]));
const started = performance.now();
try {
  for (let round = 0; round < ROUNDS; round++) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
    for (const v of order) {
      const r = await runChild(v, mock?.url ?? 'in-process');
      checkRequests(v, r, mock ? mock.requests.length : (r.requests ?? 0));
      if (mock) mock.requests.length = 0;
      checkSpans(v, r);
      results.get(v)!.push(r);
    }
    process.stderr.write(`  round ${round + 1}/${ROUNDS} done (${fmt((performance.now() - started) / 1000, 0)} s)\n`);
  }
} finally {
  await mock?.close();
}
if (opts.out) writeFileSync(opts.out, JSON.stringify([...results].map(([v, rounds]) => ({ ...v, rounds }))));
report();
if (profileDir) console.log(`\nCPU profiles of the children: ${profileDir}`);

/** One request per call: no retries, nothing added by an instrumentation. */
function checkRequests(v: Variant, r: ChildResult, requests: number): void {
  const calls = [...r.plain, ...r.streamed].reduce((n, b) => n + b.calls, Number(opts.warmup) + WARMUP_STREAMED);
  if (requests !== calls) throw new Error(`${LABELS[v.instrumentation]}: the mock received ${requests} requests for ${calls} calls`);
}

/** A child that finished no span per call measured nothing: stop. */
function checkSpans(v: Variant, r: ChildResult): void {
  const expected = (p: BlockResult) => (v.instrumentation === 'baseline' ? 0 : p.calls);
  for (const [kind, p] of [...r.plain.map((p) => ['plain', p] as const), ...r.streamed.map((p) => ['streamed', p] as const)])
    if (p.spans !== expected(p))
      throw new Error(
        `${LABELS[v.instrumentation]} (content ${v.content ? 'on' : 'off'}) finished ${p.spans} spans for ${p.calls} ${kind} calls; expected ${expected(p)}`,
      );
}

type Kind = 'plain' | 'streamed';
type Field = 'wallUs' | 'cpuUs';
/** A child's figure: the median of its blocks (a block that an outside disturbance hit does not count). */
function perCall(r: ChildResult, kind: Kind, field: Field): number {
  return median(r[kind].map((b) => b[field]));
}

function report(): void {
  const baseline = results.get(variants[0]!)!;
  const abs = (kind: Kind, field: Field) => fmt(median(baseline.map((r) => perCall(r, kind, field))), 0);
  console.log(
    `uninstrumented client, median per call: chat ${abs('plain', 'wallUs')} µs wall, ${abs('plain', 'cpuUs')} µs CPU; streamed chat ${abs('streamed', 'wallUs')} µs wall, ${abs('streamed', 'cpuUs')} µs CPU`,
  );
  // Against the baseline's median: this VM's noise is mostly per process, not a drift shared by a round.
  const cell = (v: Variant, kind: Kind, field: Field) => {
    const base = median(baseline.map((r) => perCall(r, kind, field)));
    const over = results.get(v)!.map((r) => perCall(r, kind, field) - base);
    const sign = (n: number) => `${n >= 0 ? '+' : ''}${fmt(n, 0)}`;
    return `${sign(median(over))} [${sign(Math.min(...over))}…${sign(Math.max(...over))}]`.padEnd(24);
  };
  for (const content of contentRows) {
    console.log(
      `\ncontent capture ${content ? 'on' : 'off'}, µs/call over uninstrumented`.padEnd(58) +
        'chat wall'.padEnd(24) +
        'chat CPU'.padEnd(24) +
        'streamed wall'.padEnd(24) +
        'streamed CPU',
    );
    for (const v of variants.filter((x) => x.instrumentation !== 'baseline' && x.content === content))
      console.log(
        `  ${LABELS[v.instrumentation].padEnd(56)}${cell(v, 'plain', 'wallUs')}${cell(v, 'plain', 'cpuUs')}${cell(v, 'streamed', 'wallUs')}${cell(v, 'streamed', 'cpuUs')}`.trimEnd(),
      );
  }
  console.log(
    `\nchecked: one request and one span per call in every child, the mock's answer from every call, content in the spans exactly when on (${fmt((performance.now() - started) / 1000, 0)} s)`,
  );
}
