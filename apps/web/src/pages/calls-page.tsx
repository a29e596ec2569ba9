import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { getJson, type Params } from '../api/client';
import type { LlmCall, Page } from '../api/types';
import { CallTotals } from '../components/call-totals';
import { CostCell, EmptyRow, TimeCell } from '../components/cells';
import { FilterBar, type FilterField } from '../components/filter-bar';
import { LiveButton } from '../components/live-button';
import { noMatch, Pager, pageSummary } from '../components/pager';
import { SearchBox } from '../components/search-box';
import { SortHeader, wideOnly } from '../components/sort-header';
import { ErrorState, Onboarding, SkeletonRows } from '../components/states';
import { TimeRangeSelect } from '../components/time-range-select';
import { exactCount, formatCount, formatDuration, UNKNOWN } from '../lib/format';
import { useRowLink } from '../lib/row-link';
import { type RawSearch, str } from '../lib/search';
import { DEFAULT_RANGE, isRange, type RangeValue, rangeParam, startOf } from '../lib/time-range';
import { useFacets } from '../lib/use-facets';
import { useLiveList } from '../lib/use-live';
import { useUrlText } from '../lib/use-url-text';

export interface CallsSearch {
  range?: RangeValue;
  q?: string;
  provider?: string;
  model?: string;
  operation?: string;
  service?: string;
  status?: string;
  session_id?: string;
  user_id?: string;
  route?: string;
  order_by?: string;
  cursor?: string;
  live?: string;
}

const FILTER_KEYS = ['provider', 'model', 'operation', 'service', 'status', 'session_id', 'user_id', 'route'] as const;
const PAGE = 50;

export function parseCallsSearch(raw: Record<string, unknown>): CallsSearch {
  const s = raw as RawSearch;
  const range = str(s, 'range');
  const out: CallsSearch = {
    range: isRange(range) ? range : undefined,
    q: str(s, 'q'),
    order_by: str(s, 'order_by'),
    cursor: str(s, 'cursor'),
    live: str(s, 'live'),
  };
  for (const k of FILTER_KEYS) out[k] = str(s, k);
  return out;
}

/** Every LLM call across traces, with the filters of `/api/llm-calls`; each opens in its trace. */
export function CallsPage() {
  const search = useSearch({ from: '/calls' });
  const navigate = useNavigate({ from: '/calls' });
  const range = search.range ?? DEFAULT_RANGE;
  const order = search.order_by ?? 'timestamp:desc';
  const facets = useFacets(range);
  const set = (patch: Partial<CallsSearch>) => navigate({ search: (prev) => ({ ...prev, cursor: undefined, ...patch }) });
  const [text, setText] = useUrlText(search.q, (q) => set({ q }));
  const filters: Record<string, string | undefined> = Object.fromEntries(FILTER_KEYS.map((k) => [k, search[k]]));
  const params: Params = { start: startOf(range), q: search.q, order_by: order, limit: PAGE, cursor: search.cursor, ...filters };
  const key = ['calls', params];
  const calls = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => getJson<Page<LlmCall>>('/api/llm-calls', params, signal),
    placeholderData: keepPreviousData,
  });

  // Live: new calls go to the top of the newest-first list as they arrive (a search or another
  // order would have to place them, so there it is off).
  const live = search.live === '1';
  const liveUnavailable = search.q
    ? 'Live follows the newest calls: not with a search'
    : order !== 'timestamp:desc'
      ? 'Live follows the newest calls: sort by time, newest first'
      : undefined;
  const { status: liveStatus, fresh } = useLiveList<LlmCall>({
    enabled: live && !search.cursor && liveUnavailable === undefined,
    type: 'call',
    filters,
    key,
    idOf: (c) => c.span_id,
    limit: PAGE,
    refetch: () => void calls.refetch(),
  });
  const rows = calls.data?.data ?? [];
  const filtered = FILTER_KEYS.some((k) => search[k] !== undefined) || !!search.q;
  const fields: FilterField[] = [
    { key: 'provider', label: 'Provider', suggestions: facets.data?.providers },
    { key: 'model', label: 'Model', suggestions: facets.data?.models },
    { key: 'operation', label: 'Operation', suggestions: facets.data?.operations ?? ['chat', 'embeddings', 'text_completion'] },
    { key: 'service', label: 'Service', suggestions: facets.data?.services },
    { key: 'status', label: 'Status', suggestions: ['error', 'ok'] },
    { key: 'session_id', label: 'Session' },
    { key: 'user_id', label: 'User' },
    { key: 'route', label: 'Route', suggestions: facets.data?.routes },
  ];
  const sortBy = { order, onSort: (o: string) => set({ order_by: o }) };
  const rowLink = useRowLink();
  const callLink = (c: LlmCall) => ({ to: '/traces/$traceId' as const, params: { traceId: c.trace_id }, search: { span: c.span_id } });
  return (
    <main className="page">
      <div className="page-header">
        <h1>LLM calls</h1>
        <span className="muted">every model call, whichever SDK or framework made it</span>
      </div>
      <div className="toolbar">
        <TimeRangeSelect value={range} onChange={(v) => set({ range: rangeParam(v) })} />
        <SearchBox value={text} onChange={setText} placeholder="Search prompts and completions…" label="Search calls" />
        <FilterBar fields={fields} values={filters} onChange={({ set: values }) => set({ ...values })} />
        <button
          type="button"
          className={`btn ${search.status === 'error' ? 'on' : ''}`}
          onClick={() => set({ status: search.status === 'error' ? undefined : 'error' })}
        >
          Errors only
        </button>
        <span style={{ marginLeft: 'auto' }} />
        <LiveButton
          on={live}
          status={liveStatus}
          onToggle={() => set({ live: live ? undefined : '1' })}
          what="calls"
          unavailable={liveUnavailable}
        />
      </div>
      {calls.isError ? <ErrorState error={calls.error} retry={() => void calls.refetch()} /> : null}
      <CallTotals params={{ start: startOf(range), ...filters }} searching={!!search.q} live={live} />
      {!calls.isLoading && !calls.isError && rows.length === 0 && !filtered && !search.cursor && range === DEFAULT_RANGE ? (
        <Onboarding title="No LLM calls yet" />
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <SortHeader label="Time" field="timestamp" {...sortBy} />
                <th>Model</th>
                <th className="wide-only">Service</th>
                <SortHeader
                  label="Tokens"
                  field="total_tokens"
                  {...sortBy}
                  numeric
                  title="Input tokens (of which cached) → output tokens; sorts by their total"
                />
                <SortHeader label="TTFT" field="ttft" {...sortBy} numeric title="Time to first token" className={wideOnly(order, 'ttft')} />
                <SortHeader label="Duration" field="duration" {...sortBy} numeric />
                <SortHeader
                  label="Tokens/s"
                  field="tokens_per_s"
                  {...sortBy}
                  numeric
                  className={wideOnly(order, 'tokens_per_s')}
                  title="Output tokens per second of generation: after the first token when streamed, over the whole call otherwise"
                />
                <SortHeader label="Cost" field="cost" {...sortBy} numeric />
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {calls.isLoading ? <SkeletonRows cols={9} /> : null}
              {rows.map((c) => (
                <tr key={c.span_id} className={fresh.has(c.span_id) ? 'fresh' : undefined} {...rowLink(callLink(c))}>
                  <TimeCell iso={c.timestamp} />
                  <td>
                    <div className="cell-main">
                      <span className="title">
                        <Link className="row-link" {...callLink(c)} tabIndex={-1}>
                          {c.model ?? c.request_model ?? UNKNOWN}
                        </Link>
                      </span>
                      <span className="sub">
                        {c.provider ?? 'unknown provider'} · {c.operation ?? 'call'}
                        {c.is_streaming ? ' · streamed' : ''}
                        {!c.counted ? ' · duplicate' : ''}
                      </span>
                    </div>
                  </td>
                  <td className="muted wide-only">{c.service_name}</td>
                  <td
                    className="num"
                    title={`input ${exactCount(c.input_tokens)} (cache read ${exactCount(c.cache_read_tokens)}) → output ${exactCount(c.output_tokens)}`}
                  >
                    {formatCount(c.input_tokens)}
                    {c.cache_read_tokens ? <span className="faint"> ({formatCount(c.cache_read_tokens)})</span> : null}{' '}
                    <span className="faint">→</span> {formatCount(c.output_tokens)}
                  </td>
                  <td className={`num ${wideOnly(order, 'ttft')}`}>{formatDuration(c.ttft_ms)}</td>
                  <td className="num">{formatDuration(c.duration_ms)}</td>
                  <td className={`num ${wideOnly(order, 'tokens_per_s')}`}>
                    {c.tokens_per_s === null ? UNKNOWN : formatCount(Math.round(c.tokens_per_s))}
                  </td>
                  <CostCell usd={c.cost_usd} />
                  <td>
                    {c.is_error ? (
                      <span className="badge error" title={c.error_type ?? undefined}>
                        {c.status_code ?? 'error'}
                      </span>
                    ) : (
                      <span className="badge">ok</span>
                    )}
                  </td>
                </tr>
              ))}
              {!calls.isLoading && !calls.isError && rows.length === 0 ? <EmptyRow cols={9}>{noMatch('calls', search.q)}</EmptyRow> : null}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        summary={rows.length ? pageSummary(rows.length, 'calls', calls.data?.next_cursor) : undefined}
        atFirst={!search.cursor}
        nextCursor={calls.data?.next_cursor}
        onFirst={() => set({ cursor: undefined })}
        onNext={(cursor) => navigate({ search: (prev) => ({ ...prev, cursor }) })}
      />
    </main>
  );
}
