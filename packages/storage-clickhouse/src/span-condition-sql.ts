import { type AttributeFilter, queryWords, type SpanStatusName } from '@sightline/storage';
import { attributeFilterSql } from './attribute-filter-sql.js';
import type { SqlParams } from './query-params.js';

const STATUS: Record<SpanStatusName, number> = { unset: 0, ok: 1, error: 2 };

/** Conditions that must all hold on one span (see `TraceQuery`), for a query on `span_search`. */
export interface SpanConditions {
  readonly service?: string;
  readonly spanName?: string;
  readonly status?: SpanStatusName;
  readonly attributes?: readonly AttributeFilter[];
  readonly text?: string;
}

export function hasSpanConditionsOf(q: SpanConditions): boolean {
  return (
    q.service !== undefined || q.spanName !== undefined || q.status !== undefined || (q.attributes?.length ?? 0) > 0 || q.text !== undefined
  );
}

/** The conditions on a row of `span_search`, joined with AND (`1` when there are none); `project` is the project's placeholder. */
export function spanConditionSql(q: SpanConditions, params: SqlParams, project: string): string {
  const where: string[] = [];
  if (q.service !== undefined) where.push(`service = ${params.add(q.service, 'String')}`);
  if (q.spanName !== undefined) where.push(`name = ${params.add(q.spanName, 'String')}`);
  if (q.status !== undefined) where.push(`status_code = ${STATUS[q.status]}`);
  for (const f of q.attributes ?? []) where.push(attributeFilterSql(f, params, project));
  if (q.text !== undefined) {
    const words = queryWords(q.text);
    where.push(words.length ? `hasAll(words, ${params.add(words, 'Array(String)')})` : '0');
  }
  return where.length ? where.join(' AND ') : '1';
}
