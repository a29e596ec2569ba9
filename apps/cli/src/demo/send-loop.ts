import { Random } from './random.js';
import { sendSpans } from './send-traces.js';
import { Tally } from './tally.js';
import { type DemoTrace, DemoTraffic } from './traffic.js';

export interface LoopOptions {
  readonly url: string;
  readonly seed: number;
  /** Stops the loop after the request in flight. */
  readonly signal: AbortSignal;
  /** Called after each request with the figures so far. */
  readonly progress: (tally: Tally) => void;
}

/** What a loop did: the figures, and the error that stopped it, if one did. */
export interface LoopResult {
  readonly tally: Tally;
  readonly error: string | null;
}

/** A request carries whole traces, about this many spans (long agent runs make some bigger). */
const SPANS_PER_REQUEST = 1_000;
const NS_PER_MS = 1_000_000n;

/**
 * Sends `count` traces placed at random over the last `sinceMs` (in time order, none ending
 * after now), as fast as the server takes them. The same seed, count and window send the same
 * traces at the same distances from now.
 */
export async function fillPast(options: LoopOptions, count: number, sinceMs: number): Promise<LoopResult> {
  const traffic = new DemoTraffic(options.seed);
  const times = new Random(options.seed ^ 0x5eed);
  const nowNs = BigInt(Date.now()) * NS_PER_MS;
  const windowNs = BigInt(Math.round(sinceMs)) * NS_PER_MS;
  const offsets = Array.from({ length: count }, () => times.next()).sort((a, b) => a - b);
  const tally = new Tally();
  let batch: DemoTrace[] = [];
  let spans = 0;
  for (const offset of offsets) {
    const trace = traffic.next({ startNs: nowNs - windowNs + BigInt(Math.floor(offset * Number(windowNs))), notAfterNs: nowNs });
    batch.push(trace);
    spans += trace.spans.length;
    if (spans < SPANS_PER_REQUEST) continue;
    const error = await send(options, batch, tally);
    if (error || options.signal.aborted) return { tally, error };
    batch = [];
    spans = 0;
  }
  return { tally, error: batch.length ? await send(options, batch, tally) : null };
}

/**
 * Sends traces as they happen: `rate` a second, each ending at the moment it is sent, until
 * `count` are sent or `durationMs` has passed (whichever is set and comes first) or the signal
 * stops it. When the server is slower than the rate, the traces due are sent together.
 */
export async function sendLive(options: LoopOptions, rate: number, count: number, durationMs: number): Promise<LoopResult> {
  const traffic = new DemoTraffic(options.seed);
  const tally = new Tally();
  const start = Date.now();
  const end = start + durationMs;
  while (tally.traces < count && Date.now() < end && !options.signal.aborted) {
    const due = Math.min(count, Math.floor(((Date.now() - start) / 1000) * rate) + 1) - tally.traces;
    if (due > 0) {
      const nowNs = BigInt(Date.now()) * NS_PER_MS;
      const batch = Array.from({ length: due }, () => traffic.next({ endNs: nowNs }));
      const error = await send(options, batch, tally);
      if (error) return { tally, error };
    }
    const nextAt = Math.min(end, start + (tally.traces / rate) * 1000);
    await sleep(nextAt - Date.now(), options.signal);
  }
  return { tally, error: null };
}

async function send(options: LoopOptions, batch: readonly DemoTrace[], tally: Tally): Promise<string | null> {
  const outcome = await sendSpans(
    options.url,
    batch.flatMap((t) => t.spans),
  );
  if (!outcome.ok) return outcome.error;
  for (const trace of batch) tally.add(trace);
  tally.requests++;
  tally.rejectedSpans += outcome.rejected;
  options.progress(tally);
  return null;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
