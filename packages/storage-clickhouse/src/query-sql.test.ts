import { encodeCursor } from '@sightline/storage';
import { describe, expect, it } from 'vitest';
import { attributeFilterSql } from './attribute-filter-sql.js';
import { callListSql } from './call-list-sql.js';
import { SqlParams } from './query-params.js';
import { callsSchema } from './schema/003-calls.js';
import { sessionFactsSchema } from './schema/005-session-facts.js';
import { metricRollupsSchema } from './schema/006-metric-rollups.js';
import { clusterStatements } from './schema/cluster-schema.js';
import { traceListSql } from './trace-list-sql.js';

/**
 * The SQL the ClickHouse query builders write, kept as snapshots: a change to a query shows in
 * review as a change of its text (`npx vitest run -u` accepts one made on purpose). The
 * conformance suite says whether answers are right; these say what is asked of ClickHouse.
 */
const T = 1_714_564_800_000_000_000n;
const HOUR = 3_600_000_000_000n;
const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim();

describe('the SQL of trace lists', () => {
  it.each([
    ['newest first', { project: 'p', limit: 50 }],
    [
      'a time range, a service, an error status and free text',
      { project: 'p', limit: 50, startFrom: T, startTo: T + HOUR, service: 'web', status: 'error' as const, text: 'Refund policy' },
    ],
    [
      'by cost after a cursor, with a model and a span and a resource attribute',
      {
        project: 'p',
        limit: 20,
        model: 'gpt-4o',
        orderBy: { field: 'cost' as const, direction: 'desc' as const },
        cursor: encodeCursor({ field: 'cost', direction: 'desc' }, { value: '0.25', key: 'ab'.repeat(16) }),
        attributes: [
          { target: 'span' as const, key: 'user.tier', op: 'eq' as const, value: 'pro' },
          { target: 'resource' as const, key: 'deployment.environment', op: 'contains' as const, value: 'prod' },
        ],
      },
    ],
  ])('%s', (_name, q) => {
    const { sql, params } = traceListSql(q);
    expect({ sql: oneLine(sql), params }).toMatchSnapshot();
  });
});

describe('the SQL of call lists', () => {
  it('filters, attributes, text and a duration order', () => {
    const { sql, params } = callListSql({
      project: 'p',
      limit: 50,
      from: T,
      provider: 'openai',
      status: 'error',
      minCostUsd: 0.01,
      text: 'invoice',
      attributes: [{ target: 'span', key: 'tenant', op: 'exists' }],
      orderBy: { field: 'duration', direction: 'asc' },
    });
    expect({ sql: oneLine(sql), params }).toMatchSnapshot();
  });
});

describe('the SQL of attribute filters', () => {
  it.each([
    ['eq with a value that spells a number and a boolean', { key: 'x', op: 'eq' as const, value: 'true' }],
    ['ne', { key: 'x', op: 'ne' as const, value: '24' }],
    ['gt', { key: 'x', op: 'gt' as const, value: 3 }],
    ['contains', { key: 'x', op: 'contains' as const, value: 'Abc' }],
  ])('%s', (_name, f) => {
    const p = new SqlParams();
    expect({ sql: attributeFilterSql({ target: 'span', ...f }, p, '{project:String}'), params: p.values }).toMatchSnapshot();
  });
});

describe('the cluster schema', () => {
  it('makes each table replicated on every node, with a distributed table sharded by trace over it', () => {
    expect(clusterStatements(callsSchema, 'prod').map(oneLine)).toMatchSnapshot();
  });

  it('adds columns to the local and distributed tables, and writes a backfill once, through the distributed table', () => {
    const statements = clusterStatements(sessionFactsSchema, 'prod').map(oneLine);
    expect(statements.slice(0, 6)).toMatchSnapshot();
    expect(statements.slice(6)).toEqual([oneLine(sessionFactsSchema[3] as string)]);
  });

  it('shards the hourly rollups and their marks by project and hour, so an hour’s rows meet on one node', () => {
    const statements = clusterStatements(metricRollupsSchema, 'prod').map(oneLine);
    expect(statements.filter((s) => s.includes('ENGINE = Distributed'))).toEqual([
      "CREATE TABLE IF NOT EXISTS llm_hour_rollups ON CLUSTER 'prod' AS llm_hour_rollups_local ENGINE = Distributed('prod', currentDatabase(), llm_hour_rollups_local, cityHash64(project, hour))",
      "CREATE TABLE IF NOT EXISTS llm_rollup_marks ON CLUSTER 'prod' AS llm_rollup_marks_local ENGINE = Distributed('prod', currentDatabase(), llm_rollup_marks_local, cityHash64(project, hour))",
    ]);
    expect(statements.at(-1)).toBe(oneLine(metricRollupsSchema[2] as string));
  });

  it('refuses a cluster name that is not one', () => {
    expect(() => clusterStatements(callsSchema, "x' OR 1")).toThrow(/not a cluster name/);
  });
});
