import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { getJson, type Params } from '../api/client';
import type { Page, SessionSummary } from '../api/types';
import { CostCell, EmptyRow, ErrorCountCell, TimeCell } from '../components/cells';
import { Pager } from '../components/pager';
import { SortHeader, wideOnly } from '../components/sort-header';
import { ErrorState, Onboarding, SkeletonRows } from '../components/states';
import { TimeRangeSelect } from '../components/time-range-select';
import { exactCount, formatCount, formatDuration } from '../lib/format';
import { useRowLink } from '../lib/row-link';
import { type RawSearch, str } from '../lib/search';
import { DEFAULT_RANGE, isRange, type RangeValue, rangeParam, startOf } from '../lib/time-range';

export interface SessionsSearch {
  range?: RangeValue;
  user_id?: string;
  /** One label filter, `key=value`. */
  label?: string;
  order_by?: string;
  cursor?: string;
}

export function parseSessionsSearch(raw: Record<string, unknown>): SessionsSearch {
  const s = raw as RawSearch;
  const range = str(s, 'range');
  return {
    range: isRange(range) ? range : undefined,
    user_id: str(s, 'user_id'),
    label: str(s, 'label'),
    order_by: str(s, 'order_by'),
    cursor: str(s, 'cursor'),
  };
}

/** Conversations: each session's users, span of time, calls, tokens, cost and errors. */
export function SessionsPage() {
  const search = useSearch({ from: '/sessions' });
  const navigate = useNavigate({ from: '/sessions' });
  const range = search.range ?? DEFAULT_RANGE;
  const order = search.order_by ?? 'last_seen:desc';
  const set = (patch: Partial<SessionsSearch>) => navigate({ search: (prev) => ({ ...prev, cursor: undefined, ...patch }) });
  const sortBy = { order, onSort: (o: string) => set({ order_by: o }) };
  const label = splitLabel(search.label);
  const params: Params = {
    start: startOf(range),
    user_id: search.user_id,
    ...(label ? { [`label.${label.key}`]: label.value } : {}),
    order_by: order,
    limit: 50,
    cursor: search.cursor,
  };
  const sessions = useQuery({
    queryKey: ['sessions', params],
    queryFn: ({ signal }) => getJson<Page<SessionSummary>>('/api/sessions', params, signal),
    placeholderData: keepPreviousData,
  });
  const rows = sessions.data?.data ?? [];
  const rowLink = useRowLink();
  const sessionLink = (s: SessionSummary) => ({ to: '/sessions/$sessionId' as const, params: { sessionId: s.session_id } });
  return (
    <main className="page">
      <div className="page-header">
        <h1>Sessions</h1>
        <span className="muted">conversations and agent runs that span several traces</span>
      </div>
      <div className="toolbar">
        <TimeRangeSelect value={range} onChange={(v) => set({ range: rangeParam(v) })} />
        <input
          className="input"
          type="search"
          placeholder="User id"
          aria-label="Filter by user"
          defaultValue={search.user_id ?? ''}
          onKeyDown={(e) => e.key === 'Enter' && set({ user_id: (e.target as HTMLInputElement).value || undefined })}
        />
        {label ? (
          <span className="chip" title={`label ${label.key} = ${label.value}`}>
            <span>
              {label.key}: <strong>{label.value}</strong>
            </span>
            <button type="button" aria-label={`Remove label filter ${label.key}`} onClick={() => set({ label: undefined })}>
              ×
            </button>
          </span>
        ) : null}
      </div>
      {sessions.isError ? <ErrorState error={sessions.error} retry={() => void sessions.refetch()} /> : null}
      {!sessions.isLoading && !sessions.isError && rows.length === 0 && !search.user_id && !search.label && !search.cursor ? (
        <Onboarding title="No sessions yet">
          A session groups the traces of one conversation or agent run. Sightline reads it from gen_ai.conversation.id, session.id, the
          SDK's withSession(), and the other vocabularies' session attributes.
        </Onboarding>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <SortHeader label="Last active" field="last_seen" {...sortBy} />
                <th>Session</th>
                <th className="wide-only">Users</th>
                <SortHeader
                  label="Length"
                  field="duration"
                  {...sortBy}
                  numeric
                  title="From the first trace’s start to the last one’s end"
                  className={wideOnly(order, 'duration')}
                />
                <SortHeader label="Traces" field="trace_count" {...sortBy} numeric className={wideOnly(order, 'trace_count')} />
                <SortHeader label="LLM calls" field="call_count" {...sortBy} numeric />
                <SortHeader label="Tokens" field="total_tokens" {...sortBy} numeric title="Input → output tokens; sorts by their total" />
                <SortHeader label="Cost" field="cost" {...sortBy} numeric />
                <SortHeader
                  label="Failed calls"
                  field="error_count"
                  {...sortBy}
                  numeric
                  title="LLM calls that failed (a trace's other errors are on the traces page)"
                />
              </tr>
            </thead>
            <tbody>
              {sessions.isLoading ? <SkeletonRows cols={9} /> : null}
              {rows.map((s) => (
                <tr key={s.session_id} {...rowLink(sessionLink(s))}>
                  <TimeCell iso={s.last_seen} />
                  <td>
                    <Link className="row-link" {...sessionLink(s)} tabIndex={-1}>
                      {s.name ? <div className="session-name">{s.name}</div> : null}
                      <div className={s.name ? 'mono faint' : 'mono'}>{s.session_id}</div>
                    </Link>
                    <SessionLabels labels={s.labels} onPick={(key, value) => set({ label: `${key}=${value}` })} />
                  </td>
                  <td className="muted wide-only">{s.users.length ? s.users.join(', ') : '—'}</td>
                  <td className={`num ${wideOnly(order, 'duration')}`}>
                    {formatDuration(new Date(s.last_seen).getTime() - new Date(s.first_seen).getTime())}
                  </td>
                  <td className={`num ${wideOnly(order, 'trace_count')}`}>{formatCount(s.trace_count)}</td>
                  <td className="num">{formatCount(s.call_count)}</td>
                  <td className="num" title={`input ${exactCount(s.input_tokens)} → output ${exactCount(s.output_tokens)}`}>
                    {formatCount(s.input_tokens)} <span className="faint">→</span> {formatCount(s.output_tokens)}
                  </td>
                  <CostCell usd={s.cost_usd} />
                  <ErrorCountCell count={s.error_count} />
                </tr>
              ))}
              {!sessions.isLoading && !sessions.isError && rows.length === 0 ? <EmptyRow cols={9}>No sessions match.</EmptyRow> : null}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        atFirst={!search.cursor}
        nextCursor={sessions.data?.next_cursor}
        onFirst={() => set({ cursor: undefined })}
        onNext={(cursor) => navigate({ search: (prev) => ({ ...prev, cursor }) })}
      />
    </main>
  );
}

/** `key=value` as a label filter; undefined when it is not one. */
function splitLabel(text: string | undefined): { key: string; value: string } | undefined {
  const at = text?.indexOf('=') ?? -1;
  if (!text || at <= 0) return undefined;
  return { key: text.slice(0, at), value: text.slice(at + 1) };
}

/** A session's labels as badges; picking one filters the list by it. */
export function SessionLabels({
  labels,
  onPick,
}: {
  labels: Readonly<Record<string, string>>;
  onPick?: (key: string, value: string) => void;
}) {
  const entries = Object.entries(labels);
  if (entries.length === 0) return null;
  return (
    <div className="session-labels">
      {entries.map(([k, v]) =>
        onPick ? (
          <button
            key={k}
            type="button"
            className="badge"
            title={`Only sessions labelled ${k} = ${v}`}
            onClick={(e) => {
              e.stopPropagation();
              onPick(k, v);
            }}
          >
            {k}: {v}
          </button>
        ) : (
          <span key={k} className="badge" title={`${k} = ${v}`}>
            {k}: {v}
          </span>
        ),
      )}
    </div>
  );
}
