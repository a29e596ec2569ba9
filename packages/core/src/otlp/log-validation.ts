import { timeRangeProblem } from '../model/time-range.js';

/**
 * Checks the fields OTLP constrains on a log record, given as decoded from the wire: the ids
 * are optional, but when present must have their lengths; times may be unset (0) but not out
 * of range. Returns why the record must be refused, or null when it is acceptable.
 */
export function logRecordProblem(
  traceIdBytes: number,
  spanIdBytes: number,
  severityNumber: number,
  time: bigint,
  observedTime: bigint,
): string | null {
  if (traceIdBytes !== 0 && traceIdBytes !== 16) return `trace_id must be empty or 16 bytes, got ${traceIdBytes}`;
  if (spanIdBytes !== 0 && spanIdBytes !== 8) return `span_id must be empty or 8 bytes, got ${spanIdBytes}`;
  if (spanIdBytes !== 0 && traceIdBytes === 0) return 'span_id is set without a trace_id';
  if (!Number.isInteger(severityNumber) || severityNumber < 0 || severityNumber > 24)
    return `severity_number ${severityNumber} is not a SeverityNumber`;
  return timeRangeProblem('time_unix_nano', time) ?? timeRangeProblem('observed_time_unix_nano', observedTime);
}
