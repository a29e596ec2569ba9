import type { ServerResponse } from 'node:http';
import type { AttributeFilter } from '@sightline/storage';
import { HttpError } from '../http/http-error.js';
import { EventRing } from './event-ring.js';
import type { LiveEvent, LiveEventDraft } from './live-event.js';
import { type LiveFilter, verdictOf } from './live-filter.js';
import { LiveSubscriber } from './live-subscriber.js';
import { SSE_HEADERS, sseFrame, sseHello } from './sse.js';

/** Sizes of events are counted in characters of their text: bytes, for the mostly ASCII JSON they carry. */
export interface LiveOptions {
  /** How often a quiet stream gets a `: ping` comment (default 15 s). */
  readonly heartbeatMs: number;
  /** Event bytes a client may fall behind by before it is dropped (default 1 MiB). */
  readonly clientBufferBytes: number;
  /** Recent events kept for clients that resume with `Last-Event-ID`, in bytes (default 4 MiB). */
  readonly replayBytes: number;
  /** How long events are still kept after the last client left, so that it can resume (default 30 s). */
  readonly resumeWindowMs: number;
  /** The least time between two events of one trace (default 1 s). */
  readonly traceIntervalMs: number;
  /** How long a dropped client has to read its final event before its connection is closed (default 10 s). */
  readonly dropGraceMs: number;
}

export const DEFAULT_LIVE_OPTIONS: LiveOptions = {
  heartbeatMs: 15_000,
  clientBufferBytes: 1024 * 1024,
  replayBytes: 4 * 1024 * 1024,
  resumeWindowMs: 30_000,
  traceIntervalMs: 1000,
  dropGraceMs: 10_000,
};

/** What a browser waits before reconnecting a stream that ended. */
const RETRY_MS = 3000;

/** Clients that want events of one kind. */
interface KindUse {
  clients: number;
  /** When the last of them left: events of the kind are still published until then, for it to resume. */
  until: number;
  /** The id from which events of the kind have been published without a break. */
  since: number;
}

export type LiveEventKind = LiveEventDraft['kind'];

interface AttributeUse {
  readonly filters: readonly AttributeFilter[];
  clients: number;
  /** When no client uses the set any more: it is judged until then, for clients that resume. */
  until: number;
}

/**
 * The clients of `GET /api/live` and the events they are sent. Events get increasing ids
 * (starting from the clock, so that an id from an earlier run of the server is below all of
 * this run's), and the most recent are kept so that a client reconnecting with
 * `Last-Event-ID` gets what it missed — or a `reset` event when that is no longer known.
 *
 * While no client is connected, nothing is kept or sent (see {@link recording}): ingest then
 * pays nothing for the live stream. Nor are events of a kind no client wants (see {@link wants}):
 * the traces list of the UI costs no call events.
 */
export class LiveHub {
  readonly options: LiveOptions;
  private readonly subscribers = new Set<LiveSubscriber>();
  private readonly ring: EventRing;
  private lastId: number;
  /** Every event with an id above this one is in the ring. */
  private floor: number;
  private isRecording = false;
  private closed = false;
  private heartbeat: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly kinds: Record<LiveEventKind, KindUse>;
  private readonly attributeUse = new Map<string, AttributeUse>();
  private attributeSets: ReadonlyMap<string, readonly AttributeFilter[]> = new Map();
  private readonly idleListeners: (() => void)[] = [];

  constructor(options: Partial<LiveOptions> = {}) {
    this.options = { ...DEFAULT_LIVE_OPTIONS, ...withoutUndefined(options) };
    this.ring = new EventRing(this.options.replayBytes);
    this.lastId = Date.now() * 1000;
    this.floor = this.lastId;
    this.kinds = { call: { clients: 0, until: 0, since: this.lastId }, trace: { clients: 0, until: 0, since: this.lastId } };
  }

  /** Events are published while a client is connected, and for `resumeWindowMs` after the last one left. */
  get recording(): boolean {
    return this.isRecording;
  }

  /**
   * Whether events of `kind` are published: some client wants them, or one that left within
   * the resume window did. Nobody being after calls, ingest need not turn calls into events.
   */
  wants(kind: LiveEventKind): boolean {
    const use = this.kinds[kind];
    return this.isRecording && (use.clients > 0 || use.until > Date.now());
  }

  /** Clients connected now. */
  get clients(): number {
    return this.subscribers.size;
  }

  /**
   * The sets of attribute filters that calls are to be judged by as they arrive, by signature:
   * those of the clients, and of clients that left within the resume window.
   */
  get attributeFilterSets(): ReadonlyMap<string, readonly AttributeFilter[]> {
    return this.attributeSets;
  }

  /** `listener` is told when recording stops: what was kept for the live stream can go. */
  onIdle(listener: () => void): void {
    this.idleListeners.push(listener);
  }

  /** Gives the events ids, keeps them for resuming clients, and sends each client those it wants. */
  publish(drafts: readonly LiveEventDraft[]): void {
    if (!this.isRecording || drafts.length === 0) return;
    const events: LiveEvent[] = drafts.map((d) => {
      const id = ++this.lastId;
      return { ...d, id, frame: sseFrame(id, d.kind, d.data) };
    });
    for (const e of events) {
      const evicted = this.ring.push(e);
      if (evicted !== null && evicted > this.floor) this.floor = evicted;
    }
    for (const s of this.subscribers) s.deliver(events);
  }

  /**
   * Answers `res` with an event stream for `filter`: first, when `resumeAfter` is an id, the
   * events after it that are still kept (or `reset` when some are not, or when the id is not
   * one this run of the server sent), then every new event as it is published.
   */
  subscribe(res: ServerResponse, filter: LiveFilter, resumeAfter: number | 'unknown' | undefined): void {
    if (this.closed) throw new HttpError(503, 'unavailable', 'the server is shutting down', { 'Retry-After': '5' });
    this.record();
    const subscriber = new LiveSubscriber(
      filter,
      res,
      { bufferChars: this.options.clientBufferBytes, dropGraceMs: this.options.dropGraceMs },
      (s) => this.remove(s),
    );
    this.subscribers.add(subscriber);
    this.useKinds(filter, 1);
    this.useAttributes(filter, 1);
    this.heartbeat ??= setInterval(() => this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
    res.writeHead(200, SSE_HEADERS);
    // The id last: a client's last event id is then the newest, whichever events it was sent.
    subscriber.send(this.replay(filter, resumeAfter) + sseHello(RETRY_MS, this.lastId));
  }

  /** Ends every stream and keeps no more events. */
  close(): void {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.heartbeat = null;
    this.idleTimer = null;
    for (const s of this.subscribers) s.close();
    this.subscribers.clear();
    this.pause();
  }

  private replay(filter: LiveFilter, after: number | 'unknown' | undefined): string {
    if (after === undefined) return '';
    if (after === 'unknown' || after > this.lastId) return this.reset('unknown_id', 'the last event id is not one this server sent');
    if (after < this.floor) return this.reset('expired', 'events after the last event id are no longer kept');
    if ((filter.calls && after < this.kinds.call.since) || (filter.traces && after < this.kinds.trace.since))
      return this.reset('expired', 'events of the kinds asked for were not kept after the last event id');
    let text = '';
    for (const e of this.ring.after(after)) {
      const verdict = verdictOf(filter, e);
      // A call that came while no client used these attribute filters cannot be told now.
      if (verdict === 'unknown') return this.reset('expired', 'events after the last event id were not kept for these attribute filters');
      if (verdict === 'yes') text += e.frame;
    }
    return text;
  }

  private reset(reason: string, message: string): string {
    return sseFrame(this.lastId, 'reset', JSON.stringify({ reason, message: `${message}; fetch the lists again` }));
  }

  /** Starts keeping events, or goes on doing so. */
  private record(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.isRecording) return;
    this.isRecording = true;
    // The events of the pause were never sent: an id from before it must not resume.
    this.lastId++;
    this.floor = this.lastId;
  }

  private pause(): void {
    this.isRecording = false;
    this.ring.clear();
    this.attributeUse.clear();
    this.attributeSets = new Map();
    for (const use of Object.values(this.kinds)) use.until = 0;
    for (const listener of this.idleListeners) listener();
  }

  private remove(subscriber: LiveSubscriber): void {
    if (!this.subscribers.delete(subscriber)) return;
    this.useKinds(subscriber.filter, -1);
    this.useAttributes(subscriber.filter, -1);
    if (this.subscribers.size > 0 || this.closed) return;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      this.pause();
    }, this.options.resumeWindowMs);
    this.idleTimer.unref();
  }

  private beat(): void {
    for (const s of this.subscribers) s.ping();
    const now = Date.now();
    let changed = false;
    for (const [signature, use] of this.attributeUse) {
      if (use.clients === 0 && use.until <= now) changed = this.attributeUse.delete(signature);
    }
    if (changed) this.attributeSets = this.currentAttributeSets();
  }

  private useKinds(filter: LiveFilter, delta: 1 | -1): void {
    const wanted: LiveEventKind[] = [];
    if (filter.calls) wanted.push('call');
    if (filter.traces) wanted.push('trace');
    for (const kind of wanted) {
      const use = this.kinds[kind];
      if (delta > 0 && !this.wants(kind)) {
        // Events of this kind were not published until now: an id from before must not resume them.
        use.since = ++this.lastId;
      }
      use.clients += delta;
      if (use.clients === 0) use.until = Date.now() + this.options.resumeWindowMs;
    }
  }

  private useAttributes(filter: LiveFilter, delta: 1 | -1): void {
    if (filter.attributes === null) return;
    const { signature, filters } = filter.attributes;
    const use = this.attributeUse.get(signature);
    if (!use) {
      if (delta < 0) return;
      this.attributeUse.set(signature, { filters, clients: 1, until: 0 });
      this.attributeSets = this.currentAttributeSets();
      return;
    }
    use.clients += delta;
    if (use.clients === 0) use.until = Date.now() + this.options.resumeWindowMs;
  }

  private currentAttributeSets(): ReadonlyMap<string, readonly AttributeFilter[]> {
    return new Map([...this.attributeUse].map(([signature, use]) => [signature, use.filters]));
  }
}

function withoutUndefined<T extends object>(o: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
