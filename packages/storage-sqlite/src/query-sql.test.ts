import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { callQuerySql, sessionQuerySql } from './call-query-sql.js';
import { rollupWhereSql } from './metrics-query.js';
import { migrate } from './schema/migrations.js';
import { LOGS_OF_SPAN_SQL, LOGS_OF_TRACE_SQL } from './sqlite-call-reader.js';
import { DELETE_TRACE_LOGS_SQL, OLD_LOGS_SQL } from './trace-deletion.js';
import { traceQuerySql } from './trace-query-sql.js';

/**
 * The SQL the query builders write, kept as snapshots: a change to a query shows in review as
 * a change of its text (`npx vitest run -u` accepts one made on purpose). The conformance
 * suite says whether answers are right; these say what is asked of SQLite.
 */
const T = 1_714_564_800_000_000_000n;
const HOUR = 3_600_000_000_000n;

/** The SQL on one line per clause, with its parameters. */
const shown = (f: { sql: string; params: unknown[] }) => ({
  sql: f.sql.replace(/\s+/g, ' ').trim(),
  params: f.params.map((p) => (typeof p === 'bigint' ? `${p}n` : p)),
});

describe('the SQL of trace lists', () => {
  it.each([
    ['newest first', { project: 'p', limit: 50 }],
    [
      'a time range, a service and an error status',
      { project: 'p', limit: 50, startFrom: T, startTo: T + HOUR, service: 'web', status: 'error' as const },
    ],
    [
      'by duration, with a span attribute and a resource attribute',
      {
        project: 'p',
        limit: 20,
        orderBy: { field: 'duration' as const, direction: 'desc' as const },
        attributes: [
          { target: 'span' as const, key: 'user.tier', op: 'eq' as const, value: 'pro' },
          { target: 'resource' as const, key: 'deployment.environment', op: 'eq' as const, value: 'prod' },
        ],
      },
    ],
    ['a session, a user and a model', { project: 'p', limit: 50, sessionId: 's-1', userId: 'u-1', model: 'gpt-4o-mini' }],
  ])('%s', (_name, q) => {
    expect(shown(traceQuerySql(q as never, 7))).toMatchSnapshot();
  });
});

describe('the SQL of call lists and sessions', () => {
  it.each([
    ['newest first', { project: 'p', limit: 50 }],
    [
      'a provider and a model, by cost',
      { project: 'p', limit: 50, provider: 'openai', model: 'gpt-4o', orderBy: { field: 'cost', direction: 'desc' } },
    ],
    ['errors of a session, within a trace', { project: 'p', limit: 50, sessionId: 's', status: 'error', traceId: 'ab'.repeat(16) }],
  ])('calls: %s', (_name, q) => {
    expect(shown(callQuerySql(q as never, 7, 'traceId' in q ? [11, 12] : null))).toMatchSnapshot();
  });

  it.each([
    ['last seen first', { project: 'p', limit: 50 }],
    ['of a user, by cost', { project: 'p', limit: 50, userId: 'u', orderBy: { field: 'cost', direction: 'desc' } }],
  ])('sessions: %s', (_name, q) => {
    expect(shown(sessionQuerySql(q as never, 7))).toMatchSnapshot();
  });

  it('the hourly rollups a dashboard reads', () => {
    expect(shown(rollupWhereSql({ project: 'p', provider: 'openai', service: 'web' } as never, 7, T, T + 24n * HOUR))).toMatchSnapshot();
  });
});

describe('the indexes the log queries use', () => {
  it('finds a trace’s or a span’s records by the trace, not by walking the project in time order', () => {
    const db = new Database(':memory:');
    migrate(db);
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array((sql.match(/\?/g) ?? []).length).fill(1)) as { detail: string }[])
        .map((r) => r.detail)
        .join(' | ');
    for (const sql of [LOGS_OF_SPAN_SQL, LOGS_OF_TRACE_SQL, DELETE_TRACE_LOGS_SQL])
      expect(plan(sql), sql).toMatch(/USING INDEX logs_by_trace/);
    expect(plan(OLD_LOGS_SQL)).toMatch(/logs_by_time/);
    db.close();
  });
});
