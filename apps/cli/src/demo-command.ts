import { Command, InvalidArgumentError, Option } from 'commander';
import type { LoopOptions, LoopResult } from './demo/send-loop.js';
import type { Tally } from './demo/tally.js';
import { parseDuration, parsePositiveInt, parsePositiveNumber } from './options.js';
import { apiKeyOption, callServer, errorOf, fail, projectOption, serverUrlOption } from './server-client.js';

interface DemoOptions {
  url: string;
  traces?: number;
  since: number;
  rate?: number;
  duration?: number;
  seed?: number;
  json?: boolean;
}

const HOUR = 3_600_000;

const EXAMPLES = `
Examples:
  $ sightline demo                            200 traces spread over the last hour
  $ sightline demo --traces 1000 --since 24h  a day's worth
  $ sightline demo --rate 2 --duration 5m     live: 2 traces a second for five minutes
  $ sightline demo --duration 1h              live at 2 a second until stopped (Ctrl-C)
  $ sightline demo --seed 7 --json            the same traces as any other --seed 7 run, summary as JSON
  $ sightline demo --url http://10.0.0.5:4800  another server (or set SIGHTLINE_URL)

What it sends (OTLP/HTTP protobuf to <url>/v1/traces, as any OpenTelemetry exporter would):
  a support agent with a knowledge-base tool in another service (OTel GenAI, OpenAI), a coding
  agent whose tests fail once (Anthropic, o3-mini), a map-reduce summarizer (Gemini, streamed),
  an embeddings indexer, a ticket-triage worker rate limited with HTTP 429 and retried
  (OpenLLMetry, Bedrock Llama fallback), a Next.js chat (Vercel AI SDK), a LangChain RAG chain
  (OpenInference), and now and then a long agent run of a few hundred spans. Multi-turn sessions,
  users, cached and reasoning tokens, time to first token, tool calls and errors included.
  The same --seed (with the same --traces and --since) sends the same traces, ids included:
  sent again, the server keeps each span once.`;

/** `sightline demo`: fills a running server with realistic LLM-app traffic through the real OTLP path. */
export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'Send realistic LLM-app traffic (agents, tools, sessions, several providers and vocabularies, errors) to a running Sightline server over OTLP',
    )
    .option('--traces <n>', 'how many traces to send (default: 200; live with --duration: no limit)', parsePositiveInt)
    .addOption(
      new Option('--since <duration>', 'spread the traces over this much of the past').argParser(parseDuration).default(HOUR, '1h'),
    )
    .option(
      '--rate <per-second>',
      'live: send this many traces a second, each timestamped as it is sent (default with --duration: 2)',
      parsePositiveNumber,
    )
    .option('--duration <duration>', 'live: keep sending for this long (30s, 5m, 2h); Ctrl-C stops early', parseDuration)
    .option('--seed <n>', 'the same seed sends the same traces (default: a random one, printed)', parseSeed)
    .option('--json', 'print a machine-readable summary on stdout')
    .addOption(serverUrlOption())
    .addOption(apiKeyOption())
    .addOption(projectOption())
    .addHelpText('after', EXAMPLES)
    .action(async (opts: DemoOptions) => {
      await runDemo(opts);
    });
}

function parseSeed(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 0xffffffff) throw new InvalidArgumentError('must be an integer from 0 to 4294967295.');
  return Number(value);
}

async function runDemo(opts: DemoOptions): Promise<void> {
  const url = opts.url.replace(/\/+$/, '');
  const health = await callServer<{ status?: string; version?: string }>(url, '/healthz', { method: 'GET' });
  if (!health.ok)
    fail(
      health.unreachable ??
        `${url} does not look like a Sightline server's API (GET /healthz: ${errorOf(health)}); --url takes the API address, such as http://127.0.0.1:4800`,
    );

  const seed = opts.seed ?? Math.floor(Math.random() * 1_000_000);
  const live = opts.rate !== undefined || opts.duration !== undefined;
  const rate = opts.rate ?? 2;
  const count = opts.traces ?? (opts.duration !== undefined ? Number.POSITIVE_INFINITY : 200);
  const out = (text: string) => {
    if (!opts.json) process.stdout.write(text);
  };
  const what = Number.isFinite(count) ? `${count.toLocaleString('en-US')} traces` : 'traces';
  out(
    live
      ? `Sending ${what} live to ${url}, ${rate} a second${opts.duration ? ` for ${formatDuration(opts.duration)}` : ''} (seed ${seed}; Ctrl-C stops)\n`
      : `Sending ${what} to ${url}, spread over the last ${formatDuration(opts.since)} (seed ${seed})\n`,
  );

  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  const started = Date.now();
  const progress = progressLine(live ? null : count);
  const loop: LoopOptions = { url, seed, signal: stop.signal, progress: progress.update };
  const result: LoopResult = live
    ? await (await sending()).sendLive(loop, rate, count, opts.duration ?? Number.POSITIVE_INFINITY)
    : await (await sending()).fillPast(loop, count, opts.since);
  progress.done();
  process.off('SIGINT', onSignal);

  const { tally } = result;
  if (result.error && tally.traces === 0) fail(result.error);
  if (opts.json) {
    const summary = {
      url,
      seed,
      mode: live ? 'live' : 'past',
      ...tally.toJson(),
      duration_ms: Date.now() - started,
      ui: `${url}/traces`,
      api: `${url}/api/traces`,
      error: result.error,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    const again = live
      ? null
      : [
          'sightline demo',
          `--seed ${seed}`,
          opts.traces ? `--traces ${opts.traces}` : '',
          opts.since !== HOUR ? `--since ${formatDuration(opts.since)}` : '',
        ];
    out(summary(tally, url, again?.filter(Boolean).join(' ') ?? null, Date.now() - started));
  }
  if (result.error) fail(`stopped after ${tally.traces} traces: ${result.error}`);
}

function summary(t: Tally, url: string, again: string | null, ms: number): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${n(v)}`)
      .join(', ');
  // Each line fits the terminal (80 columns when not one): lists wrap between their items.
  const width = Math.max(60, Math.min(process.stdout.columns || 80, 120));
  const row = (label: string, text: string) => `  ${label.padEnd(14)}${wrapList(text, width - 16).join(`\n${' '.repeat(16)}`)}`;
  const lines = [
    `Sent ${n(t.traces)} traces: ${n(t.spans)} spans, ${n(t.llmCalls)} LLM calls, ${n(t.errorSpans)} error spans, in ${(ms / 1000).toFixed(1)} s`,
    row('calls', `${n(t.failedCalls)} failed, ${n(t.streamedCalls)} streamed, ${n(t.cachedCalls)} with cached tokens`),
    ...(t.rejectedSpans ? [`  ${n(t.rejectedSpans)} spans were refused by the server (partial success)`] : []),
    row('services', [...t.services].sort().join(', ')),
    row('vocabularies', list(t.vocabularies)),
    row('providers', list(t.providers)),
    row('sessions', `${n(t.sessions.size)} (${n(t.users.size)} users)`),
    `Look:   ${url}/traces`,
    `        curl -s '${url}/api/traces?limit=5'`,
    ...(again ? [`Again:  ${again}`, '        sends the same traces (a server keeps each span once)'] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** A comma-separated list cut into lines of at most `width` characters, between its items. */
export function wrapList(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of text.split(', ')) {
    const next = line ? `${line}, ${item}` : item;
    if (line && next.length > width) {
      lines.push(`${line},`);
      line = item;
    } else line = next;
  }
  return [...lines, line];
}

/** One line on a terminal, redrawn after each request; nothing when stderr is not a terminal. */
function progressLine(total: number | null): { update: (t: Tally) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  return {
    update(t: Tally) {
      if (!tty) return;
      const of = total === null ? '' : ` of ${total.toLocaleString('en-US')}`;
      process.stderr.write(
        `\r  ${t.traces.toLocaleString('en-US')}${of} traces, ${t.spans.toLocaleString('en-US')} spans, ${t.llmCalls.toLocaleString('en-US')} LLM calls`,
      );
      shown = true;
    },
    done() {
      if (shown) process.stderr.write('\n');
    },
  };
}

function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return ms >= 1_000 ? `${(ms / 1000).toFixed(1)}s` : `${ms}ms`;
}

/** The traffic generator, loaded when it runs (it brings in the span model and the encoder). */
function sending(): Promise<typeof import('./demo/send-loop.js')> {
  return import('./demo/send-loop.js');
}
