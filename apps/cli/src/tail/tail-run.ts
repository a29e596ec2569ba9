import { fail } from '../server-client.js';
import { styleFor } from '../terminal/style.js';
import { recentCalls } from './history.js';
import type { LiveCall } from './live-call.js';
import { followLive } from './live-stream.js';
import { type Connection, renderScreen } from './screen.js';
import type { TailOptions } from './tail-command.js';
import { TailStats } from './tail-stats.js';
import { runFullScreen } from './tail-tty.js';

export { LiveRefusedError } from './live-stream.js';

/** The history asked for with `--since`, or nothing. */
async function history(opts: TailOptions, filters: URLSearchParams): Promise<LiveCall[]> {
  if (!opts.since) return [];
  try {
    return await recentCalls(opts.url, filters, opts.since);
  } catch (err) {
    return fail(`cannot read the calls --since ${opts.since}: ${(err as Error).message}`);
  }
}

/** The full-screen console, until the user quits. */
export async function tailScreen(opts: TailOptions, filters: URLSearchParams): Promise<void> {
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
  });
  await runFullScreen(
    (columns, rows) =>
      renderScreen({ stats, url: opts.url, filters: shown, connection, now: Date.now(), since: opts.since ?? null }, columns, rows, style),
    {
      stop: stop.signal,
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

/** Each call as a JSON line, until stopped. */
export async function tailLines(opts: TailOptions, filters: URLSearchParams): Promise<void> {
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
