import type { LlmCall, Span } from '@sightline/core';
import { type AttributeFilter, type CallFilters, callMatches, resolveCounted, type WriteGroup } from '@sightline/storage';
import { callInProjectToJson } from '../api/call-json.js';
import type { IngestObserver } from '../ingest/ingest-observer.js';
import type { Committed } from '../ingest/ingest-queue.js';
import type { AttributeVerdicts, LiveEventDraft } from './live-event.js';
import type { LiveHub } from './live-hub.js';
import { RecentKeys } from './recent-keys.js';
import type { TraceUpdates } from './trace-updates.js';

/** What is kept of a group of spans until it is committed: its calls and the traces it touched, not the spans. */
interface Observed {
  readonly project: string;
  /** Empty when no client wants call events. */
  readonly calls: readonly LlmCall[];
  /** For each call, how it fared with the attribute filters clients use; null when none do. */
  readonly verdicts: readonly AttributeVerdicts[] | null;
  /** The traces of the spans, true for those with a span without a parent (a root); null when no client wants trace events. */
  readonly traces: ReadonlyMap<string, boolean> | null;
}

/** Calls remembered as announced, to tell a resent span from a new one (see {@link LiveFeed.committed}). */
const RECENT_CALLS = 20_000;
const MET_NONE: ReadonlySet<string> = new Set();

/**
 * Feeds the live stream from ingest: a `call` event for each LLM call once its span is
 * committed, and the traces touched for trace events (see {@link TraceUpdates}). Calls are
 * announced as ingest read them — figures only, no content (messages, tool calls, parameters):
 * reading them back from the store costs far more than ingesting them. `counted` and
 * `duplicate_of` are decided among the calls that came together; the store may revise them
 * when the call they repeat arrives later.
 */
export class LiveFeed implements IngestObserver<Observed> {
  private readonly recent = new RecentKeys(RECENT_CALLS);

  constructor(
    private readonly hub: LiveHub,
    private readonly traces: TraceUpdates,
  ) {
    hub.onIdle(() => this.recent.clear());
  }

  beforeCommit(group: WriteGroup): Observed | null {
    const wantsCalls = this.hub.wants('call') && group.calls !== undefined && group.calls.length > 0;
    const wantsTraces = this.hub.wants('trace');
    if (!wantsCalls && !wantsTraces) return null;
    let traces: Map<string, boolean> | null = null;
    if (wantsTraces) {
      traces = new Map();
      for (const s of group.spans) {
        if (s.parentSpanId === null) traces.set(s.traceId, true);
        else if (!traces.has(s.traceId)) traces.set(s.traceId, false);
      }
    }
    const calls = wantsCalls ? settleDuplicates(group.spans, group.calls ?? []) : [];
    return { project: group.project, calls, verdicts: judge(group.spans, calls, this.hub.attributeFilterSets), traces };
  }

  /**
   * The spans are durable: announce them once the request is answered. A span already stored
   * (an exporter's retry) is stored once and must not be announced again: when its batch says
   * some spans were not new, calls announced recently are taken to be those.
   */
  committed(observed: Observed, committed: Committed): void {
    if (committed.noneNew) return;
    setImmediate(() => this.publish(observed, committed.allNew));
  }

  private publish(o: Observed, allNew: boolean): void {
    const events: LiveEventDraft[] = [];
    const calls = this.hub.wants('call') ? o.calls.length : 0;
    for (let i = 0; i < calls; i++) {
      const call = o.calls[i] as LlmCall;
      const key = `${o.project}/${call.traceId}/${call.spanId}`;
      if (!allNew && this.recent.has(key)) continue;
      this.recent.add(key);
      const data = JSON.stringify(callInProjectToJson(call, o.project));
      events.push({ kind: 'call', project: o.project, call, verdicts: o.verdicts?.[i] ?? null, data });
    }
    this.hub.publish(events);
    if (o.traces) this.traces.touched(o.project, o.traces);
  }
}

/** The calls with `counted` and `duplicateOf` decided per trace among themselves, as the store decides them. */
function settleDuplicates(spans: readonly Span[], calls: readonly LlmCall[]): readonly LlmCall[] {
  const byTrace = new Map<string, LlmCall[]>();
  for (const c of calls) {
    const list = byTrace.get(c.traceId);
    if (list) list.push(c);
    else byTrace.set(c.traceId, [c]);
  }
  let settled: Map<LlmCall, LlmCall> | null = null;
  let parentOf: Map<string, string | null> | null = null;
  for (const list of byTrace.values()) {
    if (list.length < 2) continue;
    parentOf ??= new Map(spans.map((s) => [s.spanId, s.parentSpanId]));
    const decided = resolveCounted(list, parentOf);
    for (let i = 0; i < list.length; i++) {
      if (decided[i] !== list[i]) (settled ??= new Map()).set(list[i] as LlmCall, decided[i] as LlmCall);
    }
  }
  const replaced = settled;
  return replaced === null ? calls : calls.map((c) => replaced.get(c) ?? c);
}

/** Each call judged by every set of attribute filters in use, while its span is at hand; null when no set is. */
function judge(
  spans: readonly Span[],
  calls: readonly LlmCall[],
  sets: ReadonlyMap<string, readonly AttributeFilter[]>,
): AttributeVerdicts[] | null {
  if (sets.size === 0 || calls.length === 0) return null;
  const judged = new Set(sets.keys());
  // callMatches checks no project: only the attribute filters count here.
  const conditions: [string, CallFilters][] = [...sets].map(([signature, attributes]) => [signature, { project: '', attributes }]);
  const spanOf = new Map(spans.map((s) => [s.traceId + s.spanId, s]));
  return calls.map((call) => {
    const span = spanOf.get(call.traceId + call.spanId) ?? null;
    let met: Set<string> | null = null;
    for (const [signature, filters] of conditions) if (span && callMatches(call, span, filters)) (met ??= new Set()).add(signature);
    return { judged, met: met ?? MET_NONE };
  });
}
