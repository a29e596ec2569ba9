import { DEFAULT_FACET_VALUES, FacetCounter, type Facets, type FacetsQuery, facetHours } from '@sightline/storage';
import type Database from 'better-sqlite3';
import { foldedUntil } from './key-metrics-query.js';
import { KEY_KIND } from './key-rollup-writer.js';
import { segmentRowsSql, timeSegments } from './time-segments.js';

const HOUR_NS = 3_600_000_000_000n;

/** The facets of a project that holds nothing. */
export const NO_FACETS: Facets = {
  services: [],
  spanNames: [],
  models: [],
  providers: [],
  operations: [],
  routes: [],
  users: 0,
  sessions: 0,
};

/**
 * Answers facets from rollups only: services and span names from `span_name_rollups`, the call
 * dimensions from `llm_rollups`, users and sessions from `llm_key_rollups` (days for whole
 * days, hours at the edges). The range is widened to whole hours, so no call is read.
 */
export class FacetsQueries {
  constructor(private readonly db: Database.Database) {}

  run(q: FacetsQuery, projectId: number): Facets {
    const range = facetHours(q.from, q.to);
    const hours = { from: range.from === null ? null : range.from / HOUR_NS, to: range.to === null ? null : range.to / HOUR_NS };
    const where = ['project_id = ?'];
    const params: unknown[] = [projectId];
    if (hours.from !== null) {
      where.push('hour >= ?');
      params.push(hours.from);
    }
    if (hours.to !== null) {
      where.push('hour < ?');
      params.push(hours.to);
    }
    const counter = new FacetCounter();
    const spanRows = this.db
      .prepare(`SELECT service, name, sum(spans) FROM span_name_rollups WHERE ${where.join(' AND ')} GROUP BY service, name`)
      .raw(true)
      .all(...params) as [string, string, number][];
    for (const [service, name, spans] of spanRows) counter.spans(service, name, spans);
    const callRows = this.db
      .prepare(
        `SELECT coalesce(nullif(model, ''), request_model), provider, operation, route, sum(calls) FROM llm_rollups
         WHERE ${where.join(' AND ')} GROUP BY 1, 2, 3, 4`,
      )
      .raw(true)
      .all(...params) as [string, string, string, string, number][];
    for (const [model, provider, operation, route, calls] of callRows) counter.calls(model, provider, operation, route, calls);
    return counter.facets(
      q.limit ?? DEFAULT_FACET_VALUES,
      this.distinctKeys(projectId, KEY_KIND.user, range.from, range.to),
      this.distinctKeys(projectId, KEY_KIND.session, range.from, range.to),
    );
  }

  /** Distinct sessions or users with a counted call in the (whole-hour) range. */
  private distinctKeys(projectId: number, kind: number, from: bigint | null, to: bigint | null): number {
    const keys = new Set<string>();
    for (const rows of segmentRowsSql(timeSegments(from ?? undefined, to ?? undefined, foldedUntil(this.db, projectId)))) {
      const stmt = this.db.prepare(
        `SELECT DISTINCT key FROM llm_key_rollups WHERE project_id = ? AND kind = ? AND key <> '' AND ${rows.sql}`,
      );
      for (const key of stmt.pluck().all(projectId, kind, ...rows.params) as string[]) keys.add(key);
    }
    return keys.size;
  }
}
