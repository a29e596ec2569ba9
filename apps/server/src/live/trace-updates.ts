import type { TraceReader } from '@sightline/storage';
import { traceSummaryToJson } from '../api/span-json.js';
import type { Logger } from '../log.js';
import type { LiveEventDraft } from './live-event.js';
import type { LiveHub } from './live-hub.js';

/** Traces waiting for their summary to be read, at most; more are not announced. */
const MAX_PENDING = 10_000;
/** Traces whose later spans are announced as updates, at most (the least recently announced are forgotten). */
const MAX_ANNOUNCED = 20_000;
/** Summaries of this many traces are read between two turns of the event loop. */
const READS_PER_TURN = 100;
/** Traces touched within this time are read together. */
const GATHER_MS = 50;

interface PendingTrace {
  readonly project: string;
  readonly traceId: string;
  /** Not read before this time (ms): the least time between two events of a trace. */
  readonly due: number;
}

/**
 * Trace events: a trace is announced once its root span is stored (a span without a parent
 * has arrived), with its summary as the store has it then; spans that arrive later announce
 * it again, at most once per `intervalMs`. Summaries are read after the spans are committed,
 * a few at a time, so reading never holds up ingest for long.
 */
export class TraceUpdates {
  private readonly pending = new Map<string, PendingTrace>();
  /** When each trace was last announced (ms), least recently announced first. */
  private readonly announced = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly reader: TraceReader,
    private readonly hub: LiveHub,
    private readonly logger: Logger,
  ) {
    hub.onIdle(() => {
      this.pending.clear();
      this.announced.clear();
    });
  }

  /** Spans of `traces` were committed; `true` for a trace when one of them has no parent. */
  touched(project: string, traces: ReadonlyMap<string, boolean>): void {
    if (!this.hub.wants('trace')) return;
    const now = Date.now();
    for (const [traceId, rooted] of traces) {
      const key = `${project}/${traceId}`;
      const last = this.announced.get(key);
      if ((last === undefined && !rooted) || this.pending.has(key) || this.pending.size >= MAX_PENDING) continue;
      this.pending.set(key, { project, traceId, due: last === undefined ? now : last + this.hub.options.traceIntervalMs });
    }
    this.schedule(GATHER_MS);
  }

  private schedule(delayMs: number): void {
    if (this.running || this.timer || this.pending.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.read().catch((err) => this.logger.error('reading trace summaries for the live stream failed', err));
    }, delayMs);
    this.timer.unref();
  }

  private async read(): Promise<void> {
    this.running = true;
    try {
      const now = Date.now();
      const due = [...this.pending].filter(([, p]) => p.due <= now);
      let events: LiveEventDraft[] = [];
      for (let i = 0; i < due.length && this.hub.wants('trace'); i++) {
        const [key, p] = due[i] as [string, PendingTrace];
        this.pending.delete(key);
        const layout = await this.reader.getTraceLayout({ project: p.project, traceId: p.traceId }).catch(() => null);
        if (layout?.summary.rootIsComplete) {
          this.announced.delete(key);
          this.announced.set(key, Date.now());
          if (this.announced.size > MAX_ANNOUNCED) this.announced.delete(this.announced.keys().next().value as string);
          const trace = layout.summary;
          events.push({ kind: 'trace', project: p.project, trace, data: JSON.stringify(traceSummaryToJson(trace)) });
        }
        if ((i + 1) % READS_PER_TURN === 0) {
          this.hub.publish(events);
          events = [];
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      this.hub.publish(events);
    } finally {
      this.running = false;
      let next = Number.POSITIVE_INFINITY;
      for (const p of this.pending.values()) next = Math.min(next, p.due);
      if (next < Number.POSITIVE_INFINITY) this.schedule(Math.max(GATHER_MS, next - Date.now()));
    }
  }
}
