import {
  DEFAULT_FACET_VALUES,
  DEFAULT_SERIES,
  DEFAULT_SESSION_CALLS,
  type FacetsQuery,
  type GetSessionQuery,
  GROUP_RANKS,
  MAX_PAGE_SIZE,
  MAX_SERIES,
  MAX_SERIES_BUCKETS,
  type MetricsSeriesQuery,
  SERIES_BUCKETS,
  SERIES_SPLITS,
  seriesBuckets,
} from '@sightline/storage';
import { badRequest } from '../http/http-error.js';
import { parseCallFilters } from './call-query.js';
import { QueryParams } from './query-params.js';

const HOUR_NS = 3_600_000_000_000n;
/** How far back a series reaches when no `start` is given: a day of hours, or 30 days. */
const DEFAULT_SPAN_NS = { minute: HOUR_NS, hour: 24n * HOUR_NS, day: 30n * 24n * HOUR_NS } as const;

/** `GET /api/sessions/{session_id}`: `limit` (calls per page, default 200), `cursor`, `order=asc|desc`. */
export function parseSessionPage(params: URLSearchParams, project: string, sessionId: string): GetSessionQuery {
  const p = new QueryParams(params);
  const query: GetSessionQuery = {
    project,
    sessionId,
    limit: p.integer('limit', 1, MAX_PAGE_SIZE) ?? DEFAULT_SESSION_CALLS,
    cursor: p.string('cursor'),
    order: p.oneOf('order', ['asc', 'desc'] as const) ?? 'asc',
  };
  p.check();
  return query;
}

/**
 * `GET /api/metrics/series`: the call filters, `bucket=minute|hour|day` (default hour),
 * `split_by=model|provider|service|operation|route`, `limit` (series, default 8), `rank_by=calls|cost`
 * (which values get a series of their own: the most calls, by default, or the highest cost). `end`
 * defaults to now, `start` to an hour (by minute), a day (hourly) or 30 days (daily) before
 * `end`; at most 1,000 buckets.
 */
export function parseSeriesQuery(params: URLSearchParams, project: string, now: () => number = Date.now): MetricsSeriesQuery {
  const p = new QueryParams(params);
  const filters = parseCallFilters(p, project);
  const bucket = p.oneOf('bucket', SERIES_BUCKETS) ?? 'hour';
  const splitBy = p.oneOf('split_by', SERIES_SPLITS);
  const limit = p.integer('limit', 1, MAX_SERIES) ?? DEFAULT_SERIES;
  const rankBy = p.oneOf('rank_by', GROUP_RANKS) ?? 'calls';
  p.check();
  const to = filters.to ?? BigInt(now()) * 1_000_000n;
  const from = filters.from ?? (to > DEFAULT_SPAN_NS[bucket] ? to - DEFAULT_SPAN_NS[bucket] : 0n);
  if (from >= to) throw badRequest('query parameters "start" and "end": start must be before end');
  const { count } = seriesBuckets(from, to, bucket);
  if (count > MAX_SERIES_BUCKETS)
    throw badRequest(
      `query parameters "start" and "end": the range spans ${count} ${bucket}s, more than ${MAX_SERIES_BUCKETS}; shorten it${bucket === 'day' ? '' : ` or use bucket=${bucket === 'minute' ? 'hour' : 'day'}`}`,
    );
  return { ...filters, from, to, bucket, splitBy, limit, rankBy };
}

/** `GET /api/facets`: `start`, `end` (widened to whole hours), `limit` (values per facet, default 50). */
export function parseFacetsQuery(params: URLSearchParams, project: string): FacetsQuery {
  const p = new QueryParams(params);
  const query: FacetsQuery = {
    project,
    from: p.time('start'),
    to: p.time('end'),
    limit: p.integer('limit', 1, MAX_PAGE_SIZE) ?? DEFAULT_FACET_VALUES,
  };
  p.check();
  return query;
}
