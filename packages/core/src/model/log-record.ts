import type { AnyValue, Attributes } from './any-value.js';
import type { InstrumentationScope, Resource } from './span.js';

/**
 * The canonical log record: everything OTLP carries for one log record or event, with its
 * resource and scope. Ids are lowercase hex, or null when the record is not tied to a span;
 * times are nanoseconds since the Unix epoch (0 when unknown).
 */
export interface LogRecord {
  readonly timeUnixNano: bigint;
  readonly observedTimeUnixNano: bigint;
  /** OTLP `SeverityNumber` (0 unspecified, 1–24 TRACE … FATAL4). */
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body: AnyValue;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  /** W3C trace flags in the low 8 bits. */
  readonly flags: number;
  readonly traceId: string | null;
  readonly spanId: string | null;
  /**
   * The event name: OTLP's `event_name` field, or for older SDKs the `event.name` attribute
   * ('' for a plain log).
   */
  readonly eventName: string;
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
}

/** The name a record's event goes by: the `event_name` field, else the `event.name` attribute. */
export function eventNameOf(eventName: string, attributes: Attributes): string {
  if (eventName !== '') return eventName;
  const attr = attributes['event.name'];
  return typeof attr === 'string' ? attr : '';
}
