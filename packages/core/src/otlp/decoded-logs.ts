import type { LogRecord } from '../model/log-record.js';
import { MAX_REJECTION_MESSAGES } from './decoded.js';

/** The outcome of decoding one logs export request. */
export interface DecodedLogs {
  /** The records that passed validation, in request order. */
  readonly records: LogRecord[];
  /** How many records were refused (bad id lengths, …). */
  readonly rejectedRecords: number;
  /** Why, for the first few refused records. */
  readonly rejections: string[];
}

export interface DecodedLogsBuilder {
  records: LogRecord[];
  rejectedRecords: number;
  rejections: string[];
}

/** Counts a refused record and keeps why, for the first few. */
export function rejectRecord(out: DecodedLogsBuilder, resourceIndex: number, recordIndex: number, problem: string): void {
  out.rejectedRecords++;
  if (out.rejections.length >= MAX_REJECTION_MESSAGES) return;
  out.rejections.push(`resource_logs[${resourceIndex}] log record ${recordIndex}: ${problem}`);
}

/** One line summarising the rejected records, for `partial_success.error_message`. */
export function logRejectionSummary(decoded: DecodedLogs): string {
  if (decoded.rejectedRecords === 0) return '';
  const more = decoded.rejectedRecords - decoded.rejections.length;
  return `rejected ${decoded.rejectedRecords} invalid log record(s): ${decoded.rejections.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}
