import type { MetricPoint } from '../model/metric-point.js';
import { MAX_REJECTION_MESSAGES } from './decoded.js';

/** The outcome of decoding one metrics export request. */
export interface DecodedMetrics {
  /** The data points that passed validation, in request order. */
  readonly points: MetricPoint[];
  /** How many data points were refused (unset time, mismatched buckets, …). */
  readonly rejectedPoints: number;
  /** Why, for the first few refused points. */
  readonly rejections: string[];
}

export interface DecodedMetricsBuilder {
  points: MetricPoint[];
  rejectedPoints: number;
  rejections: string[];
}

/** Counts a refused data point and keeps why, for the first few. */
export function rejectPoint(out: DecodedMetricsBuilder, where: string, problem: string): void {
  out.rejectedPoints++;
  if (out.rejections.length >= MAX_REJECTION_MESSAGES) return;
  out.rejections.push(`${where}: ${problem}`);
}

/** One line summarising the rejected points, for `partial_success.error_message`. */
export function metricRejectionSummary(decoded: DecodedMetrics): string {
  if (decoded.rejectedPoints === 0) return '';
  const more = decoded.rejectedPoints - decoded.rejections.length;
  return `rejected ${decoded.rejectedPoints} invalid data point(s): ${decoded.rejections.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}
