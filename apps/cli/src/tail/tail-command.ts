import { Command, Option } from 'commander';
import { parseTime } from '../query/filter-options.js';
import { fail, serverUrlOption } from '../server-client.js';
import { styleFor } from '../terminal/style.js';
import { recentCalls } from './history.js';
import type { LiveCall } from './live-call.js';
import { followLive, LiveRefusedError } from './live-stream.js';
import { type Connection, renderScreen } from './screen.js';
import { TailStats } from './tail-stats.js';
import { runFullScreen } from './tail-tty.js';

interface TailOptions {
  url: string;
  since?: string;
  model?: string;
  provider?: string;
  session?: string;
  service?: string;
  errors?: boolean;
  json?: boolean;
}

/** `sightline tail`: a live console of the LLM calls a running server receives. */
export function tailCommand(): Command {
  return new Command('tail')
    .description('A live console of every LLM call a running Sightline server receives (JSON lines when not on a terminal)')
    .addOption(serverUrlOption())
    .addOption(
      new Option('--since <time>', 'start with the calls since then: a duration before now (15m, 1h, 2d) or an ISO-8601 time').argParser(
        parseTime,
      ),
    )
    .option('--model <model>', 'only calls of this model (requested or served)')
    .option('--provider <provider>', 'only calls to this provider (openai, anthropic, gcp.gemini, …)')
    .option('--session <id>', 'only calls of this session')
    .option('--service <name>', 'only calls from this service (service.name)')
    .option('--errors', 'only failed calls')
    .option('--json', 'write each call as a JSON line, even on a terminal')
    .addHelpText(
      'after',
      `
On a terminal it is full screen: the latest call, totals since start (errors split 4xx / 5xx /
client-side, cost, tokens, latency and TTFT percentiles, sessions), a rollup by model, route
shares, and the recent calls. Latency is green under 2 s, yellow under 10 s, red above; TTFT
green under 500 ms, yellow under 2 s. "—" means unknown. q quits. NO_COLOR turns colour off.
Elsewhere (a pipe, a file) each call is one JSON line, as GET /api/llm-calls gives it.
It reconnects by itself when the server restarts.

Examples:
  sightline tail
  sightline tail --since 1h --provider anthropic
  sightline tail --errors --json | jq .error_type`,
    )
    .action(async (opts: TailOptions) => {
      const filters = new URLSearchParams();
      if (opts.model) filters.set('model', opts.model);
      if (opts.provider) filters.set('provider', opts.provider);
      if (opts.session) filters.set('session_id', opts.session);
      if (opts.service) filters.set('service', opts.service);
      if (opts.errors) filters.set('status', 'error');
      const fullScreen = process.stdout.isTTY === true && !opts.json;
      try {
        if (fullScreen) await tailScreen(opts, filters);
        else await tailLines(opts, filters);
      } catch (err) {
        if (err instanceof LiveRefusedError) fail(err.message);
        throw err;
      }
    });
}

/** The history asked for with `--since`, or nothing. */
async function history(opts: TailOptions, filters: URLSearchParams): Promise<LiveCall[]> {
  if (!opts.since) return [];
  try {
    return await recentCalls(opts.url, filters, opts.since);
  } catch (err) {
    return fail(`cannot read the calls --since ${opts.since}: ${(err as Error).message}`);
  }
}

async function tailScreen(opts: TailOptions, filters: URLSearchParams): Promise<void> {
  const stats = new TailStats();
  for (const c of await history(opts, filters)) stats.add(c);
  let connection: Connection = { state: 'connecting', message: null };
  const shown = [...filters].map(([k, v]) => (k === 'status' ? 'errors only' : `${k}=${v}`));
  const style = styleFor(true);
  const stop = new AbortController();
  let redraw = () => {};
  const following = followLive({
    url: opts.url,
    filters,
    signal: stop.signal,
    onCall: (c) => {
      if (stats.add(c)) redraw();
    },
    onStatus: (s) => {
      connection = s.message === 'reconnected' ? { ...s, message: `reconnected at ${new Date().toTimeString().slice(0, 8)}` } : s;
      redraw();
    },
    onReset: () => {
      void catchUp(opts.url, filters, stats.latest?.timestamp ?? null).then((calls) => {
        for (const c of calls) stats.add(c);
        redraw();
      });
    },
  });
  let refused: unknown = null;
  following.catch((err) => {
    refused = err;
    stop.abort();
    process.stdin.emit('data', Buffer.from('q'));
  });
  await runFullScreen(
    (columns, rows) =>
      renderScreen({ stats, url: opts.url, filters: shown, connection, now: Date.now(), since: opts.since ?? null }, columns, rows, style),
    {
      style,
      onChange: (r) => {
        redraw = r;
      },
    },
  );
  stop.abort();
  await following.catch(() => undefined);
  if (refused) throw refused;
  process.exit(0);
}

async function tailLines(opts: TailOptions, filters: URLSearchParams): Promise<void> {
  const seen = new TailStats();
  let newest: string | null = null;
  const write = (c: LiveCall) => {
    if (!seen.add(c)) return;
    if (newest === null || c.timestamp > newest) newest = c.timestamp;
    process.stdout.write(`${JSON.stringify(c)}\n`);
  };
  for (const c of await history(opts, filters)) write(c);
  const stop = new AbortController();
  const quit = () => stop.abort();
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
  // A reader that went away (`| head`) ends the tail.
  process.stdout.on('error', quit);
  await followLive({
    url: opts.url,
    filters,
    signal: stop.signal,
    onCall: write,
    onReset: () => {
      void catchUp(opts.url, filters, newest).then((calls) => {
        for (const c of calls) write(c);
      });
    },
    onStatus: (s) => {
      if (s.state === 'live') {
        if (s.message) process.stderr.write(`sightline: ${s.message} to ${opts.url}\n`);
      } else process.stderr.write(`sightline: ${s.message ?? 'connecting'} at ${opts.url}; trying again\n`);
    },
  });
}

/**
 * The calls stored since a little before `newest` (the latest call seen), to fill a gap the live
 * stream could not (a restarted server forgets its events): already-seen calls are dropped by
 * the caller. Nothing when no call was seen yet, or when the server cannot answer.
 */
async function catchUp(url: string, filters: URLSearchParams, newest: string | null): Promise<LiveCall[]> {
  if (newest === null) return [];
  const from = new Date(Date.parse(newest) - 60_000).toISOString();
  try {
    return await recentCalls(url, filters, from);
  } catch {
    return [];
  }
}
