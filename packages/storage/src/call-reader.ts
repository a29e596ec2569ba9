import type { CallQuery, GetCallQuery, GetSessionQuery, LogQuery, MetricsQuery, SessionQuery } from './call-query.js';
import type { MetricsResult, SessionDetail, SessionSummary, StoredCall, StoredLog } from './call-results.js';
import type { Facets, FacetsQuery } from './facets.js';
import type { MetricsSeries, MetricsSeriesQuery } from './metrics-series.js';
import type { Page } from './results.js';

/**
 * Reads LLM calls, sessions, metrics and log records. Every method is scoped to the query's
 * project. Calls come with their content (messages, tool calls, parameters) and provenance,
 * read from their spans and the content events logged for them.
 */
export interface CallReader {
  findCalls(query: CallQuery): Promise<Page<StoredCall>>;
  /** Null when the project has no call on that span. */
  getCall(query: GetCallQuery): Promise<StoredCall | null>;
  findSessions(query: SessionQuery): Promise<Page<SessionSummary>>;
  /** A page of the session's calls and traces; null when the project has no such session. */
  getSession(query: GetSessionQuery): Promise<SessionDetail | null>;
  metrics(query: MetricsQuery): Promise<MetricsResult>;
  /** Metrics per time bucket, split by a dimension, for charts. */
  metricsSeries(query: MetricsSeriesQuery): Promise<MetricsSeries>;
  /** The services, span names, models, … a time range holds, for filter pickers. */
  facets(query: FacetsQuery): Promise<Facets>;
  /** A trace's log records (or one span's), in time order. */
  findLogs(query: LogQuery): Promise<StoredLog[]>;
}
