import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { getJson } from '../api/client';
import type { Metrics, MetricsRow } from '../api/types';
import { CostCell, EmptyRow, ErrorCountCell } from '../components/cells';
import { SortHeader } from '../components/sort-header';
import { ErrorState, Onboarding, SkeletonRows } from '../components/states';
import { TimeRangeSelect } from '../components/time-range-select';
import { exactCount, formatCount, formatDuration } from '../lib/format';
import { useRowLink } from '../lib/row-link';
import { type RawSearch, str } from '../lib/search';
import { DEFAULT_RANGE, isRange, type RangeValue, rangeParam, startOf } from '../lib/time-range';

export interface UsersSearch {
  range?: RangeValue;
  order_by?: string;
}

export function parseUsersSearch(raw: Record<string, unknown>): UsersSearch {
  const s = raw as RawSearch;
  const range = str(s, 'range');
  return { range: isRange(range) ? range : undefined, order_by: str(s, 'order_by') };
}

/** The most users one page lists (the API's largest group count). */
const MOST_USERS = 1000;

/** How the list sorts: by a figure of each user's calls. */
const SORTS: Record<string, (r: MetricsRow) => number> = {
  calls: (r) => r.calls,
  cost: (r) => r.cost_usd,
  tokens: (r) => r.total_tokens,
  latency: (r) => r.latency_ms.p50 ?? -1,
  errors: (r) => r.errors,
};

/** The users of the range: what each one's LLM calls came to, linked to their traces and sessions. */
export function UsersPage() {
  const search = useSearch({ from: '/users' });
  const navigate = useNavigate({ from: '/users' });
  const range = search.range ?? DEFAULT_RANGE;
  const order = search.order_by ?? 'cost:desc';
  const set = (patch: Partial<UsersSearch>) => navigate({ search: (prev) => ({ ...prev, ...patch }) });
  const params = { start: startOf(range), group_by: 'user', limit: MOST_USERS };
  const users = useQuery({
    queryKey: ['metrics', params],
    queryFn: ({ signal }) => getJson<Metrics>('/api/metrics', params, signal),
    placeholderData: keepPreviousData,
  });
  const [field = 'cost', dir = 'desc'] = order.split(':');
  const figure = SORTS[field] ?? (SORTS.cost as (r: MetricsRow) => number);
  const rows = (users.data?.data ?? [])
    .filter((r): r is MetricsRow & { key: string } => r.key !== null)
    .sort((a, b) => {
      const d = field === 'user' ? a.key.localeCompare(b.key) : figure(a) - figure(b) || a.key.localeCompare(b.key);
      return dir === 'asc' ? d : -d;
    });
  const rowLink = useRowLink();
  const tracesOf = (user: string) => ({ to: '/traces' as const, search: { user_id: user, range: search.range } });
  const sortBy = { order, onSort: (o: string) => set({ order_by: o === 'cost:desc' ? undefined : o }) };
  const none = !users.isLoading && !users.isError && rows.length === 0;
  return (
    <main className="page">
      <div className="page-header">
        <h1>Users</h1>
        <span className="muted">who your LLM calls were made for: each user's calls, tokens, cost and failures</span>
      </div>
      <div className="toolbar">
        <TimeRangeSelect value={range} onChange={(v) => set({ range: rangeParam(v) })} />
      </div>
      {users.isError ? <ErrorState error={users.error} retry={() => void users.refetch()} /> : null}
      {none && range === DEFAULT_RANGE ? (
        <Onboarding title="No users yet">
          A call's user is read from user.id, enduser.id, the SDK's withSession(&#123; userId &#125;) and the other vocabularies' user
          attributes; a call that names none takes its trace's.
        </Onboarding>
      ) : (
        <div className="table-wrap">
          <table className="data" aria-label="Users">
            <thead>
              <tr>
                <SortHeader label="User" field="user" {...sortBy} />
                <SortHeader label="LLM calls" field="calls" {...sortBy} numeric />
                <SortHeader label="Tokens" field="tokens" {...sortBy} numeric title="Input → output tokens; sorts by their total" />
                <SortHeader label="Cost" field="cost" {...sortBy} numeric />
                <SortHeader label="Latency p50" field="latency" {...sortBy} numeric />
                <SortHeader label="Failed calls" field="errors" {...sortBy} numeric />
                <th>Sessions</th>
              </tr>
            </thead>
            <tbody>
              {users.isLoading ? <SkeletonRows cols={7} /> : null}
              {rows.map((r) => (
                <tr key={r.key} {...rowLink(tracesOf(r.key))}>
                  <td>
                    <Link className="row-link mono" {...tracesOf(r.key)} tabIndex={-1} title={`Traces of ${r.key}`}>
                      {r.key}
                    </Link>
                  </td>
                  <td className="num">{formatCount(r.calls)}</td>
                  <td className="num" title={`input ${exactCount(r.input_tokens)} → output ${exactCount(r.output_tokens)}`}>
                    {formatCount(r.input_tokens)} <span className="faint">→</span> {formatCount(r.output_tokens)}
                  </td>
                  <CostCell usd={r.unpriced_calls === r.calls ? null : r.cost_usd} />
                  <td className="num">{formatDuration(r.latency_ms.p50)}</td>
                  <ErrorCountCell count={r.errors} />
                  <td>
                    <Link to="/sessions" search={{ user_id: r.key, range: search.range }} tabIndex={-1}>
                      sessions
                    </Link>
                  </td>
                </tr>
              ))}
              {none ? <EmptyRow cols={7}>No calls named a user in this range. Widen the time range.</EmptyRow> : null}
            </tbody>
          </table>
        </div>
      )}
      {(users.data?.data.length ?? 0) >= MOST_USERS ? (
        <p className="muted">The {MOST_USERS.toLocaleString()} users with the most calls in this range; narrow the range to see others.</p>
      ) : null}
    </main>
  );
}
