import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useMemo } from 'react';
import { getJson, type Params } from '../api/client';
import type { Page, TraceSummary } from '../api/types';
import { CostCell, EmptyRow, ErrorCountCell, TimeCell } from '../components/cells';
import { FilterBar, type FilterField } from '../components/filter-bar';
import { LiveButton } from '../components/live-button';
import { noMatch, Pager, pageSummary } from '../components/pager';
import { SearchBox } from '../components/search-box';
import { SortHeader, wideOnly } from '../components/sort-header';
import { ErrorState, Onboarding, SkeletonRows } from '../components/states';
import { TimeRangeSelect } from '../components/time-range-select';
import { exactCount, formatCount, formatDuration } from '../lib/format';
import { useRowLink } from '../lib/row-link';
import { list, type RawSearch, str } from '../lib/search';
import { DEFAULT_RANGE, isRange, type RangeValue, rangeParam, startOf } from '../lib/time-range';
import { useFacets } from '../lib/use-facets';
import { useLiveList } from '../lib/use-live';
import { useUrlText } from '../lib/use-url-text';

export interface TracesSearch {
  range?: RangeValue;
  q?: string;
  service?: string;
  name?: string;
  status?: string;
  model?: string;
  provider?: string;
  session_id?: string;
  user_id?: string;
  attr?: string[];
  order_by?: string;
  cursor?: string;
  live?: string;
}

const FILTER_KEYS = ['service', 'name', 'status', 'model', 'provider', 'session_id', 'user_id'] as const;

export function parseTracesSearch(raw: Record<string, unknown>): TracesSearch {
  const s = raw as RawSearch;
  const range = str(s, 'range');
  const out: TracesSearch = {
    range: isRange(range) ? range : undefined,
    q: str(s, 'q'),
    attr: list(s, 'attr'),
    order_by: str(s, 'order_by'),
    cursor: str(s, 'cursor'),
    live: str(s, 'live'),
  };
  for (const k of FILTER_KEYS) out[k] = str(s, k);
  return out;
}

const DEFAULT_ORDER = 'start_time:desc';
const PAGE = 50;

/** `key=value` / `key=op:value` conditions as the API's `attr.<key>=<op>:<value>` parameters. */
export function attributeParams(attrs: readonly string[] | undefined): Params {
  const out: Record<string, string> = {};
  for (const a of attrs ?? []) {
    const eq = a.indexOf('=');
    if (eq > 0) out[`attr.${a.slice(0, eq)}`] = a.slice(eq + 1);
  }
  return out;
}

/** Traces: newest first, filtered, searched, sortable, paged — and live when asked. */
export function TracesPage() {
  const search = useSearch({ from: '/traces' });
  const navigate = useNavigate({ from: '/traces' });
  const rowLink = useRowLink();
  const range = search.range ?? DEFAULT_RANGE;
  const order = search.order_by ?? DEFAULT_ORDER;
  const facets = useFacets(range);
  const set = (patch: Partial<TracesSearch>) => navigate({ search: (prev) => ({ ...prev, cursor: undefined, ...patch }), replace: false });
  const sortBy = { order, onSort: (o: string) => set({ order_by: o }) };

  const [text, setText] = useUrlText(search.q, (q) => set({ q }));

  const params: Params = {
    start: startOf(range),
    q: search.q,
    service: search.service,
    name: search.name,
    status: search.status,
    model: search.model,
    provider: search.provider,
    session_id: search.session_id,
    user_id: search.user_id,
    order_by: order,
    limit: PAGE,
    cursor: search.cursor,
    ...attributeParams(search.attr),
  };
  const key = ['traces', params];
  const traces = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => getJson<Page<TraceSummary>>('/api/traces', params, signal),
    placeholderData: keepPreviousData,
  });

  // Live: new and updated traces go to the top of the first page as they arrive.
  const live = search.live === '1';
  const { status: liveStatus, fresh } = useLiveList<TraceSummary>({
    enabled: live && !search.cursor,
    type: 'trace',
    filters: {
      service: search.service,
      session_id: search.session_id,
      user_id: search.user_id,
      model: search.model,
      provider: search.provider,
    },
    key,
    idOf: (t) => t.trace_id,
    limit: PAGE,
    refetch: () => void traces.refetch(),
  });

  const rows = traces.data?.data ?? [];
  const updating = traces.isFetching && !traces.isLoading;
  const maxDuration = useMemo(() => Math.max(1, ...rows.map((t) => t.duration_ms)), [rows]);
  const filtered = FILTER_KEYS.some((k) => search[k] !== undefined) || !!search.q || !!search.attr?.length;
  const fields: FilterField[] = [
    { key: 'service', label: 'Service', suggestions: facets.data?.services },
    { key: 'name', label: 'Span name', suggestions: facets.data?.span_names },
    { key: 'status', label: 'Status', suggestions: ['error', 'ok', 'unset'] },
    { key: 'model', label: 'Model', suggestions: facets.data?.models },
    { key: 'provider', label: 'Provider', suggestions: facets.data?.providers },
    { key: 'session_id', label: 'Session' },
    { key: 'user_id', label: 'User' },
  ];

  return (
    <main className="page">
      <div className="page-header">
        <h1>Traces</h1>
        <span className="muted">every request your app made, with its LLM calls, tokens and cost</span>
      </div>
      <div className="toolbar">
        <TimeRangeSelect value={range} onChange={(v) => set({ range: rangeParam(v) })} />
        <SearchBox value={text} onChange={setText} placeholder="Search span names, attributes, prompts…" label="Search traces" />
        <FilterBar
          fields={fields}
          values={Object.fromEntries(FILTER_KEYS.map((k) => [k, search[k]]))}
          attributes={search.attr ?? []}
          onChange={({ set: values, attributes }) => set({ ...values, ...(attributes ? { attr: attributes } : {}) })}
        />
        <button
          type="button"
          className={`btn ${search.status === 'error' ? 'on' : ''}`}
          onClick={() => set({ status: search.status === 'error' ? undefined : 'error' })}
        >
          Errors only
        </button>
        <span style={{ marginLeft: 'auto' }} />
        <LiveButton on={live} status={liveStatus} onToggle={() => set({ live: live ? undefined : '1' })} what="traces" />
      </div>
      {traces.isError ? <ErrorState error={traces.error} retry={() => void traces.refetch()} /> : null}
      {!traces.isLoading && !traces.isError && rows.length === 0 && !filtered && !search.cursor && range === DEFAULT_RANGE ? (
        <Onboarding title="No traces yet" />
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <SortHeader label="Started" field="start_time" {...sortBy} />
                <th>Trace</th>
                <SortHeader label="Duration" field="duration" {...sortBy} numeric />
                <SortHeader label="Spans" field="span_count" {...sortBy} numeric className={wideOnly(order, 'span_count')} />
                <SortHeader label="LLM calls" field="llm_call_count" {...sortBy} numeric className={wideOnly(order, 'llm_call_count')} />
                <SortHeader
                  label="Tokens"
                  field="total_tokens"
                  {...sortBy}
                  numeric
                  title="Input → output tokens, each model call counted once"
                />
                <SortHeader label="Cost" field="cost" {...sortBy} numeric />
                <SortHeader label="Errors" field="error_count" {...sortBy} numeric />
              </tr>
            </thead>
            <tbody>
              {traces.isLoading ? <SkeletonRows cols={8} /> : null}
              {rows.map((t) => (
                <tr
                  key={t.trace_id}
                  className={fresh.has(t.trace_id) ? 'fresh' : undefined}
                  {...rowLink({ to: '/traces/$traceId', params: { traceId: t.trace_id }, search: {} })}
                >
                  <TimeCell iso={t.start_time} />
                  <td>
                    <div className="cell-main">
                      <span className="title">
                        <Link className="row-link" to="/traces/$traceId" params={{ traceId: t.trace_id }} search={{}} tabIndex={-1}>
                          {t.root_span_name}
                        </Link>
                        {!t.root_is_complete ? (
                          <span className="faint" title="The root span has not arrived; the earliest span stands in">
                            {' '}
                            (partial)
                          </span>
                        ) : null}
                      </span>
                      <span className="sub">
                        {t.service_name}
                        {t.session_id ? (
                          <>
                            {' · session '}
                            <Link to="/sessions/$sessionId" params={{ sessionId: t.session_id }} tabIndex={-1}>
                              {t.session_id}
                            </Link>
                          </>
                        ) : null}
                        {t.user_id ? (
                          <>
                            {' · user '}
                            <Link
                              to="/traces"
                              search={(prev) => ({ ...prev, cursor: undefined, user_id: t.user_id ?? undefined })}
                              tabIndex={-1}
                            >
                              {t.user_id}
                            </Link>
                          </>
                        ) : null}
                      </span>
                    </div>
                  </td>
                  <td className="num" title={`${t.duration_ms} ms`}>
                    <DurationBar ms={t.duration_ms} max={maxDuration} />
                  </td>
                  <td className={`num ${wideOnly(order, 'span_count')}`} title={exactCount(t.span_count)}>
                    {formatCount(t.span_count)}
                  </td>
                  <td className={`num ${wideOnly(order, 'llm_call_count')}`}>
                    {t.llm_call_count ? formatCount(t.llm_call_count) : <span className="faint">0</span>}
                  </td>
                  <td className="num" title={`input ${exactCount(t.input_tokens)} → output ${exactCount(t.output_tokens)}`}>
                    {t.llm_call_count ? (
                      <>
                        {formatCount(t.input_tokens)} <span className="faint">→</span> {formatCount(t.output_tokens)}
                      </>
                    ) : (
                      <span className="faint">—</span>
                    )}
                  </td>
                  <CostCell usd={t.cost_usd} />
                  <ErrorCountCell count={t.error_count} />
                </tr>
              ))}
              {!traces.isLoading && !traces.isError && rows.length === 0 ? (
                <EmptyRow cols={8}>{noMatch('traces', search.q)}</EmptyRow>
              ) : null}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        summary={
          rows.length || updating ? (
            <>
              {updating ? <span className="faint">Updating… </span> : null}
              {rows.length ? pageSummary(rows.length, 'traces', traces.data?.next_cursor) : ''}
            </>
          ) : undefined
        }
        atFirst={!search.cursor}
        nextCursor={traces.data?.next_cursor}
        onFirst={() => set({ cursor: undefined })}
        onNext={(cursor) => navigate({ search: (prev) => ({ ...prev, cursor }) })}
      />
    </main>
  );
}

function DurationBar({ ms, max }: { ms: number; max: number }) {
  return (
    <div className="duration-cell">
      <div className="duration-track" aria-hidden="true">
        <div style={{ width: `${Math.max(2, (ms / max) * 100)}%` }} />
      </div>
      <span>{formatDuration(ms)}</span>
    </div>
  );
}
