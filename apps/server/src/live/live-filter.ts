import { nanosToMs } from '@sightline/core';
import { type AttributeFilter, type CallFilters, callMatches, type TraceSummary } from '@sightline/storage';
import { parseCallFilters } from '../api/call-query.js';
import { QueryParams } from '../api/query-params.js';
import { badRequest } from '../http/http-error.js';
import type { LiveEventDraft } from './live-event.js';

/** A set of attribute filters, and the text that names it among the sets clients use. */
export interface AttributeFilterSet {
  readonly signature: string;
  readonly filters: readonly AttributeFilter[];
}

/** What one client of `GET /api/live` wants to hear of. */
export interface LiveFilter {
  readonly project: string;
  /** Conditions on call events (attribute filters aside); null when the client wants none. */
  readonly calls: CallFilters | null;
  /** Conditions on the span of a call (`attr.*`, `resource.*`); null when there are none. */
  readonly attributes: AttributeFilterSet | null;
  /** Conditions on trace events; null when the client wants none. */
  readonly traces: CallFilters | null;
}

export interface LiveQuery {
  readonly filter: LiveFilter;
  /** `last_event_id`, when given. */
  readonly lastEventId?: number;
}

const EVENT_KINDS: readonly string[] = ['call', 'trace'];

/** Filters that say nothing of a trace, by parameter name: with any of them, no trace events. */
const CALL_ONLY_FILTERS = [
  ['provider', 'provider'],
  ['model', 'model'],
  ['operation', 'operation'],
  ['route', 'route'],
] as const;

/**
 * `GET /api/live`: the filters of `GET /api/llm-calls` (no order, limit or cursor), `events`
 * (`call`, `trace` or both, comma-separated; default both) and `last_event_id`. Filters that
 * only calls have (provider, model, operation, route, attr.*, resource.*) leave trace events
 * out, and are refused together with `events=trace`.
 */
export function parseLiveQuery(params: URLSearchParams, project: string): LiveQuery {
  const p = new QueryParams(params);
  const { attributes, ...filters } = parseCallFilters(p, project);
  const eventsText = p.string('events');
  const lastText = p.string('last_event_id');
  p.check();
  const events = eventsText === undefined ? null : parseEventKinds(eventsText);
  const callOnly: string[] = CALL_ONLY_FILTERS.filter(([, field]) => filters[field] !== undefined).map(([name]) => name);
  if (attributes?.length) callOnly.push('attr.*" / "resource.*');
  if (events?.has('trace') && callOnly.length)
    throw badRequest(`query parameter "${callOnly[0]}" applies to call events only; it cannot be used with events=trace`);
  const wantCalls = events === null || events.has('call');
  const wantTraces = events === null ? callOnly.length === 0 : events.has('trace');
  let lastEventId: number | undefined;
  if (lastText !== undefined) {
    const id = parseEventId(lastText);
    if (id === null) throw badRequest(`query parameter "last_event_id" must be an event id (a decimal integer), got "${lastText}"`);
    lastEventId = id;
  }
  return {
    filter: {
      project,
      calls: wantCalls ? filters : null,
      attributes: wantCalls && attributes?.length ? { signature: JSON.stringify(attributes), filters: attributes } : null,
      traces: wantTraces ? filters : null,
    },
    lastEventId,
  };
}

/** An event id as a client sends it back; null when it is not one this server could have sent. */
export function parseEventId(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,16}$/.test(t)) return null;
  const id = Number(t);
  return Number.isSafeInteger(id) ? id : null;
}

function parseEventKinds(text: string): Set<string> {
  const kinds = text.split(',').map((k) => k.trim());
  for (const kind of kinds) {
    if (!EVENT_KINDS.includes(kind))
      throw badRequest(`query parameter "events" must list ${EVENT_KINDS.join(' and/or ')}, comma-separated; got "${text}"`);
  }
  return new Set(kinds);
}

/** `unknown`: the event's call was not judged by the client's attribute filters (see {@link AttributeVerdicts}). */
export type Verdict = 'yes' | 'no' | 'unknown';

/** Whether a client with `filter` is to get `event`. */
export function verdictOf(filter: LiveFilter, event: LiveEventDraft): Verdict {
  if (event.project !== filter.project) return 'no';
  if (event.kind === 'trace') return filter.traces !== null && traceMatches(event.trace, filter.traces) ? 'yes' : 'no';
  if (filter.calls === null || !callMatches(event.call, null, filter.calls)) return 'no';
  if (filter.attributes === null) return 'yes';
  const { signature } = filter.attributes;
  if (event.verdicts === null || !event.verdicts.judged.has(signature)) return 'unknown';
  return event.verdicts.met.has(signature) ? 'yes' : 'no';
}

/**
 * The filters that mean something for a trace, on its summary: time range and duration of the
 * trace, its id, the root span's service, its session and user, `status=error` for a trace
 * with a failed span (`ok`: none), `min_cost_usd` on the trace's cost.
 */
export function traceMatches(t: TraceSummary, f: CallFilters): boolean {
  if (f.from !== undefined && t.startTimeUnixNano < f.from) return false;
  if (f.to !== undefined && t.startTimeUnixNano >= f.to) return false;
  if (f.traceId !== undefined && t.traceId !== f.traceId) return false;
  if (f.service !== undefined && t.serviceName !== f.service) return false;
  if (f.sessionId !== undefined && t.sessionId !== f.sessionId) return false;
  if (f.userId !== undefined && t.userId !== f.userId) return false;
  if (f.status !== undefined && t.errorCount > 0 !== (f.status === 'error')) return false;
  if (f.minCostUsd !== undefined && (t.costUsd === null || t.costUsd < f.minCostUsd)) return false;
  if (f.minDurationMs !== undefined && nanosToMs(t.endTimeUnixNano - t.startTimeUnixNano) < f.minDurationMs) return false;
  return true;
}
