import { mergeSessionDetails, type SessionDetails } from '@sightline/core';
import {
  DEFAULT_SESSION_CALLS,
  DEFAULT_SESSION_ORDER,
  decodeCursor,
  encodeCursor,
  type GetSessionQuery,
  type Page,
  pageSessions,
  parseBigIntValue,
  parseSessionSortValue,
  roundUsd,
  type SessionDetail,
  type SessionOrderField,
  type SessionQuery,
  type SessionSummary,
  type StoredCall,
  sortSql,
} from '@sightline/storage';
import { CALL_KEY } from './call-list-sql.js';
import type { CallRow } from './call-row.js';
import type { ClickHouseDb } from './clickhouse-db.js';
import { rowToSummary } from './clickhouse-trace-reader.js';
import { numberOrNull, SqlParams } from './query-params.js';
import type { TraceRow } from './trace-state.js';

interface SessionRow {
  session_id: string;
  key: string;
  first_ns: string;
  last_ns: string;
  traces: string;
  calls: string;
  input: string | null;
  output: string | null;
  total: string | null;
  cost: number | null;
  /** What the sessions' calls say, as their traces' summaries keep it (see schema/005-session-facts.ts). */
  errors: string;
  users: string[];
  details: string[];
}

/** Each session order as an expression on its aggregated row; an unknown cost or token count after every known one (see `sortSql`). */
const SESSION_ORDER_SQL: Record<SessionOrderField, string> = {
  last_seen: 'last_ns',
  first_seen: 'first_ns',
  duration: '(last_ns - first_ns)',
  trace_count: 'toInt64(traces)',
  call_count: 'toInt64(calls)',
  total_tokens: 'ifNull(toFloat64(total), :unknown)',
  cost: 'ifNull(round(cost, 10), :unknown)',
  error_count: 'toInt64(errors)',
};

/**
 * What turns the sessions' aggregation into one page of `q`, in SQL: the sort value as a column
 * (`sort`, for the next cursor), and the range, cursor, order and limit after the GROUP BY.
 */
function sessionPageSql(q: SessionQuery, p: SqlParams): { sortColumn: string; tail: string } {
  const order = q.orderBy ?? DEFAULT_SESSION_ORDER;
  const expr = sortSql(SESSION_ORDER_SQL[order.field], order.direction);
  const dir = order.direction === 'asc' ? 'ASC' : 'DESC';
  const having: string[] = [];
  if (q.from !== undefined) having.push(`last_ns >= ${p.add(q.from, 'Int64')}`);
  if (q.to !== undefined) having.push(`first_ns < ${p.add(q.to, 'Int64')}`);
  if (q.cursor !== undefined) {
    const after = decodeCursor(q.cursor, order, (key) => /^\d{1,16}$/.test(key));
    const value = parseSessionSortValue(order.field, after.value);
    having.push(
      `(${expr}, toUInt64(key)) ${dir === 'ASC' ? '>' : '<'} (${p.add(value, typeof value === 'bigint' ? 'Int64' : 'Float64')}, ${p.add(after.key, 'UInt64')})`,
    );
  }
  return {
    sortColumn: `, ${expr} AS sort`,
    tail: `${having.length ? `HAVING ${having.join(' AND ')}` : ''} ORDER BY ${expr} ${dir}, toUInt64(key) ${dir} LIMIT ${p.add(q.limit + 1, 'UInt32')}`,
  };
}

/**
 * Sessions: the traces whose summary names one (see `TraceSummary.sessionId`), summed by
 * ClickHouse from `traces`, with what their calls say (errors, users, name and labels) as the
 * summaries keep it.
 */
export class ClickHouseSessions {
  constructor(
    private readonly db: ClickHouseDb,
    private readonly withContent: (project: string, rows: readonly CallRow[]) => Promise<StoredCall[]>,
  ) {}

  /**
   * Summaries of the project's sessions, each with a stable integer key for paging: those named,
   * or a page of them in SQL (`page`), or all of them.
   */
  private async summaries(
    project: string,
    pick: { readonly ids?: readonly string[]; readonly page?: SessionQuery } = {},
  ): Promise<{ s: SessionSummary; key: number; sort?: string | number }[]> {
    const p = new SqlParams();
    const projectParam = p.add(project, 'String');
    const named = pick.ids === undefined ? '' : ` AND session_id IN ${p.add(pick.ids, 'Array(String)')}`;
    const traces = `SELECT trace_id, session_id, start_ns, end_ns, call_count, input_tokens, output_tokens, total_tokens, cost_usd,
        call_error_count, users, session_details
      FROM traces FINAL WHERE project = ${projectParam} AND session_id IS NOT NULL${named}`;
    const q = pick.page;
    const { sortColumn, tail } = q ? sessionPageSql(q, p) : { sortColumn: '', tail: '' };
    const rows = await this.db.rows<SessionRow & { sort?: string | number }>(
      `SELECT assumeNotNull(session_id) AS session_id, toString(bitShiftRight(cityHash64(session_id), 11)) AS key,
         min(start_ns) AS first_ns, max(end_ns) AS last_ns, count() AS traces, sum(call_count) AS calls,
         sum(input_tokens) AS input, sum(output_tokens) AS output, sum(total_tokens) AS total, sum(cost_usd) AS cost,
         sum(call_error_count) AS errors, arraySort(groupUniqArrayArray(users)) AS users,
         arrayMap(x -> x.2, arraySort(arrayFlatten(groupArray(session_details)))) AS details${sortColumn}
       FROM (${traces}) GROUP BY session_id ${tail}`,
      p.values,
    );
    return rows.map((r) => {
      let details: SessionDetails | null = null;
      for (const d of r.details) details = mergeSessionDetails(details, JSON.parse(d) as SessionDetails);
      const cost = numberOrNull(r.cost);
      return {
        key: Number(r.key),
        sort: r.sort,
        s: {
          project,
          sessionId: r.session_id,
          firstSeenUnixNano: BigInt(r.first_ns),
          lastSeenUnixNano: BigInt(r.last_ns),
          traceCount: Number(r.traces),
          callCount: Number(r.calls),
          errorCount: Number(r.errors),
          inputTokens: numberOrNull(r.input),
          outputTokens: numberOrNull(r.output),
          totalTokens: numberOrNull(r.total),
          costUsd: cost === null ? null : roundUsd(cost),
          users: r.users,
          name: details?.name ?? null,
          labels: details?.labels ?? {},
        },
      };
    });
  }

  async findSessions(q: SessionQuery): Promise<Page<SessionSummary>> {
    const order = q.orderBy ?? DEFAULT_SESSION_ORDER;
    if (q.userId === undefined && !q.labels?.length) {
      // Everything the page needs is in the traces' summaries: ordered and cut in SQL.
      const rows = await this.summaries(q.project, { page: q });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => r.s),
        nextCursor: rows.length > q.limit && last ? encodeCursor(order, { value: String(last.sort), key: String(last.key) }) : null,
      };
    }
    return pageSessions(await this.summaries(q.project), q);
  }

  async getSession(q: GetSessionQuery): Promise<SessionDetail | null> {
    const [found] = await this.summaries(q.project, { ids: [q.sessionId] });
    if (!found) return null;
    const direction = q.order ?? 'asc';
    const order = { field: 'timestamp', direction } as const;
    const dir = direction === 'asc' ? 'ASC' : 'DESC';
    const p = new SqlParams();
    const project = p.add(q.project, 'String');
    const where = [
      `project = ${project}`,
      `trace_id IN (SELECT trace_id FROM traces FINAL WHERE project = ${project} AND session_id = ${p.add(q.sessionId, 'String')})`,
    ];
    if (q.cursor !== undefined) {
      const after = decodeCursor(q.cursor, order, (key) => CALL_KEY.test(key));
      const at = parseBigIntValue(after.value);
      where.push(
        `(timestamp_ns, concat(trace_id, span_id)) ${dir === 'ASC' ? '>' : '<'} (${p.add(at, 'Int64')}, ${p.add(after.key, 'String')})`,
      );
    }
    const limit = q.limit ?? DEFAULT_SESSION_CALLS;
    // The page's keys first, then only their rows: ordering every call of a long session with
    // all its columns took a fifth longer at 10,000,000 spans.
    const orderBy = `ORDER BY timestamp_ns ${dir}, trace_id ${dir}, span_id ${dir}`;
    const rows = await this.db.rows<CallRow>(
      `SELECT * FROM llm_calls FINAL WHERE project = ${project} AND (trace_id, span_id) IN (
         SELECT trace_id, span_id FROM llm_calls FINAL WHERE ${where.join(' AND ')} ${orderBy} LIMIT ${p.add(limit + 1, 'UInt32')}
       ) ${orderBy}`,
      p.values,
    );
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const traceIds = [...new Set(page.map((r) => r.trace_id))];
    const traces = traceIds.length
      ? (
          await this.db.rows<TraceRow>(
            `SELECT * FROM traces FINAL WHERE project = {project:String} AND trace_id IN {ids:Array(String)}
             ORDER BY start_ns ${dir}, trace_id ${dir}`,
            { project: q.project, ids: traceIds },
          )
        ).map(rowToSummary)
      : [];
    return {
      summary: found.s,
      traces,
      calls: await this.withContent(q.project, page),
      nextCursor: more && last ? encodeCursor(order, { value: last.timestamp_ns, key: last.trace_id + last.span_id }) : null,
    };
  }
}
