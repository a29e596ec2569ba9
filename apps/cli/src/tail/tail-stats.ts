import { QuantileSketch } from '@sightline/storage';
import { freshInputOf, type LiveCall, modelOf, outcomeOf } from './live-call.js';

/** Calls kept for the recent list. */
const RECENT = 500;
/** Span ids remembered to drop a call announced twice (history and live overlap, reconnects). */
const SEEN = 20_000;
/** Sessions counted exactly; past this the count stops growing (shown as "100,000+"). */
export const MAX_SESSIONS = 100_000;

/** A sum of the calls that know a figure: null while none does ("—", never 0). */
export type Sum = number | null;

const plus = (sum: Sum, v: number | null): Sum => (v === null ? sum : (sum ?? 0) + v);

export interface ModelRollup {
  readonly model: string;
  requests: number;
  errors: number;
  input: Sum;
  output: Sum;
  cacheWrite: Sum;
  cacheRead: Sum;
  /** The known tokens/s, for their median (one slow-to-start call skews a mean). */
  readonly speed: QuantileSketch;
  cost: Sum;
}

export interface RouteShare {
  readonly route: string;
  hits: number;
  errors: number;
  readonly latency: QuantileSketch;
}

/**
 * What the console shows, kept as calls arrive: the latest call, totals since start (errors by
 * kind, cost, tokens, latency and TTFT quantiles, sessions), a rollup by model, the share of
 * each route, and the recent calls. Only calls that count are taken (a duplicate record of a
 * call is not a second request), each once.
 */
export class TailStats {
  latest: LiveCall | null = null;
  requests = 0;
  readonly errors = { '4xx': 0, '5xx': 0, client: 0 };
  cost: Sum = null;
  input: Sum = null;
  output: Sum = null;
  cacheRead: Sum = null;
  readonly latency = new QuantileSketch();
  readonly ttft = new QuantileSketch();
  readonly sessions = new Set<string>();
  currentSession: string | null = null;
  readonly models = new Map<string, ModelRollup>();
  readonly routes = new Map<string, RouteShare>();
  /** Newest first. */
  readonly recent: LiveCall[] = [];
  private readonly seen = new Set<string>();

  constructor(readonly startedAt: number = Date.now()) {}

  get errorCount(): number {
    return this.errors['4xx'] + this.errors['5xx'] + this.errors.client;
  }

  /** Takes a call; false when it was already taken or does not count. */
  add(c: LiveCall): boolean {
    if (!c.counted || this.seen.has(c.span_id)) return false;
    if (this.seen.size >= SEEN) this.seen.clear();
    this.seen.add(c.span_id);
    if (this.latest === null || c.timestamp >= this.latest.timestamp) this.latest = c;
    this.requests++;
    const outcome = outcomeOf(c);
    if (outcome !== 'ok') this.errors[outcome]++;
    this.cost = plus(this.cost, c.cost_usd);
    this.input = plus(this.input, c.input_tokens);
    this.output = plus(this.output, c.output_tokens);
    this.cacheRead = plus(this.cacheRead, c.cache_read_tokens);
    this.latency.add(c.duration_ms);
    if (c.ttft_ms !== null) this.ttft.add(c.ttft_ms);
    if (c.session_id !== null) {
      if (this.sessions.size < MAX_SESSIONS) this.sessions.add(c.session_id);
      this.currentSession = c.session_id;
    }
    this.addModel(c, outcome !== 'ok');
    if (c.route_name !== null) {
      const r = this.routes.get(c.route_name) ?? { route: c.route_name, hits: 0, errors: 0, latency: new QuantileSketch() };
      r.hits++;
      if (outcome !== 'ok') r.errors++;
      r.latency.add(c.duration_ms);
      this.routes.set(c.route_name, r);
    }
    // Newest first, whatever order history and live deliver them in.
    let at = 0;
    while (at < this.recent.length && (this.recent[at] as LiveCall).timestamp > c.timestamp) at++;
    this.recent.splice(at, 0, c);
    if (this.recent.length > RECENT) this.recent.pop();
    return true;
  }

  /** Models by requests, most first. */
  modelRows(): ModelRollup[] {
    return [...this.models.values()].sort((a, b) => b.requests - a.requests || a.model.localeCompare(b.model));
  }

  /** Routes by hits, most first. */
  routeRows(): RouteShare[] {
    return [...this.routes.values()].sort((a, b) => b.hits - a.hits || a.route.localeCompare(b.route));
  }

  private addModel(c: LiveCall, failed: boolean): void {
    const name = modelOf(c);
    let m = this.models.get(name);
    if (!m) {
      m = {
        model: name,
        requests: 0,
        errors: 0,
        input: null,
        output: null,
        cacheWrite: null,
        cacheRead: null,
        speed: new QuantileSketch(),
        cost: null,
      };
      this.models.set(name, m);
    }
    m.requests++;
    if (failed) m.errors++;
    m.input = plus(m.input, freshInputOf(c));
    m.output = plus(m.output, c.output_tokens);
    m.cacheWrite = plus(m.cacheWrite, c.cache_write_tokens);
    m.cacheRead = plus(m.cacheRead, c.cache_read_tokens);
    if (c.tokens_per_s !== null) m.speed.add(c.tokens_per_s);
    m.cost = plus(m.cost, c.cost_usd);
  }
}
