import { type Attributes, fromPlain, isoToNanos, newAttributes, timeRangeProblem } from '@sightline/core';
import { badRequest } from '../http/http-error.js';

/** Llama Stack's default `ttl_seconds`: 7 days. */
export const DEFAULT_TTL_SECONDS = 604_800;
/** The longest `ttl_seconds` taken: 100 years, so an expiry stays within the times stored. */
export const MAX_TTL_SECONDS = 3_155_760_000;

interface EventCommon {
  readonly traceId: string;
  readonly spanId: string;
  readonly timeUnixNano: bigint;
  readonly attributes: Attributes;
}

/** One Llama Stack telemetry event, validated. */
export type TelemetryEvent =
  | (EventCommon & { readonly type: 'unstructured_log'; readonly message: string; readonly severity: string })
  | (EventCommon & { readonly type: 'metric'; readonly metric: string; readonly value: number; readonly unit: string })
  | (EventCommon & { readonly type: 'span_start'; readonly name: string; readonly parentSpanId: string | null })
  | (EventCommon & { readonly type: 'span_end'; readonly status: 'ok' | 'error' });

const SEVERITIES = ['verbose', 'debug', 'info', 'warn', 'error', 'critical'];

/** Parses the body of `POST /v1/telemetry/log-event`: `{event, ttl_seconds}`. */
export function parseLogEvent(body: Record<string, unknown>): { event: TelemetryEvent; ttlSeconds: number } {
  const ttl = body.ttl_seconds ?? DEFAULT_TTL_SECONDS;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS)
    throw badRequest(`field "ttl_seconds" must be a positive integer of at most ${MAX_TTL_SECONDS} (100 years)`);
  const e = body.event;
  if (e === null || typeof e !== 'object' || Array.isArray(e)) throw badRequest('field "event" is required and must be an object');
  const event = e as Record<string, unknown>;
  const common: EventCommon = {
    traceId: hexId(event.trace_id, 'event.trace_id', 32),
    spanId: hexId(event.span_id, 'event.span_id', 16),
    timeUnixNano: timestamp(event.timestamp),
    attributes: attributes(event.attributes),
  };
  switch (event.type) {
    case 'unstructured_log': {
      const severity = event.severity ?? 'info';
      if (typeof severity !== 'string' || !SEVERITIES.includes(severity))
        throw badRequest(`field "event.severity" must be one of ${SEVERITIES.join(', ')}`);
      return { ttlSeconds: ttl, event: { ...common, type: 'unstructured_log', message: text(event.message, 'event.message'), severity } };
    }
    case 'metric': {
      if (typeof event.value !== 'number' || !Number.isFinite(event.value)) throw badRequest('field "event.value" must be a number');
      return {
        ttlSeconds: ttl,
        event: {
          ...common,
          type: 'metric',
          metric: text(event.metric, 'event.metric'),
          value: event.value,
          unit: typeof event.unit === 'string' ? event.unit : '',
        },
      };
    }
    case 'structured_log': {
      const payload = event.payload;
      if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
        throw badRequest('field "event.payload" is required for structured_log events');
      const pl = payload as Record<string, unknown>;
      if (pl.type === 'span_start') {
        const parent = pl.parent_span_id;
        return {
          ttlSeconds: ttl,
          event: {
            ...common,
            type: 'span_start',
            name: text(pl.name, 'event.payload.name'),
            parentSpanId:
              parent === undefined || parent === null || parent === '' ? null : hexId(parent, 'event.payload.parent_span_id', 16),
          },
        };
      }
      if (pl.type === 'span_end') {
        const status = pl.status ?? 'ok';
        if (status !== 'ok' && status !== 'error') throw badRequest('field "event.payload.status" must be "ok" or "error"');
        return { ttlSeconds: ttl, event: { ...common, type: 'span_end', status } };
      }
      throw badRequest('field "event.payload.type" must be "span_start" or "span_end"');
    }
    default:
      throw badRequest('field "event.type" must be one of unstructured_log, metric, structured_log');
  }
}

/** A hex id of at most `length` characters, left-padded with zeros (Llama Stack clients send full-length ids). */
function hexId(value: unknown, name: string, length: 16 | 32): string {
  if (typeof value !== 'string' || !/^[0-9a-fA-F]+$/.test(value) || value.length > length || /^0+$/.test(value)) {
    throw badRequest(`field "${name}" must be a non-zero hex id of at most ${length} characters`);
  }
  return value.toLowerCase().padStart(length, '0');
}

function timestamp(value: unknown): bigint {
  const ns = typeof value === 'string' ? isoToNanos(value) : null;
  if (ns === null) throw badRequest('field "event.timestamp" must be an ISO-8601 time');
  const range = timeRangeProblem('"event.timestamp"', ns);
  if (range !== null) throw badRequest(`field ${range}`);
  return ns;
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string') throw badRequest(`field "${name}" must be a string`);
  return value;
}

function attributes(value: unknown): Attributes {
  if (value === undefined || value === null) return newAttributes();
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('field "event.attributes" must be an object');
  return fromPlain(value) as Attributes;
}
