import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, getJson } from '../api/client';
import type { TraceOutlineJson } from '../api/types';
import { CopyButton } from '../components/copy-button';
import { HighlightContext } from '../components/highlighted';
import { SearchBox } from '../components/search-box';
import { SpanDetail } from '../components/span-detail';
import { Stat } from '../components/stat';
import { ErrorState } from '../components/states';
import { Waterfall } from '../components/waterfall';
import { exactCost, exactCount, exactTime, formatCost, formatCount, formatDuration, formatTime } from '../lib/format';
import { wordMatcher } from '../lib/highlight';
import { ancestors, buildTraceModel, isErrorNode, nextErrorNode, nodeOf, spanIdOf, type TraceModel, visibleRows } from '../lib/trace-model';
import { useDebounced } from '../lib/use-debounced';

/**
 * One trace: its summary, the span tree beside its timeline, and the selected span's details.
 * The tree comes from the trace's outline (no attributes or content), so a 100,000-span trace
 * opens quickly; a span's content is fetched when it is selected.
 */
export function TracePage() {
  const { traceId } = useParams({ from: '/traces/$traceId' });
  const outline = useQuery({
    queryKey: ['outline', traceId],
    queryFn: ({ signal }) => getJson<TraceOutlineJson>(`/api/traces/${traceId}/outline`, undefined, signal),
    staleTime: 30_000,
  });
  const model = useMemo(() => (outline.data ? buildTraceModel(outline.data) : null), [outline.data]);
  if (outline.isError) {
    const missing = outline.error instanceof ApiError && outline.error.status === 404;
    return (
      <main className="page">
        {missing ? (
          <div className="empty">
            <h2>Trace not found</h2>
            <p>
              No trace <span className="mono">{traceId}</span> is stored here. It may not have arrived yet, or it expired.
            </p>
            <Link to="/traces" className="btn primary">
              Back to traces
            </Link>
          </div>
        ) : (
          <ErrorState error={outline.error} retry={() => void outline.refetch()} />
        )}
      </main>
    );
  }
  if (!model)
    return (
      <main className="page fill">
        <div className="trace-head">
          <span className="skeleton" style={{ width: 320, height: 16 }} />
          <div style={{ marginTop: 12 }}>
            <span className="skeleton" style={{ width: '60%' }} />
          </div>
        </div>
        <div className="trace-body" aria-busy="true">
          <div className="trace-tree" style={{ padding: 16 }}>
            Loading the trace…
          </div>
        </div>
      </main>
    );
  return <TraceView traceId={traceId} model={model} />;
}

function TraceView({ traceId, model }: { traceId: string; model: TraceModel }) {
  const search = useSearch({ from: '/traces/$traceId' });
  const navigate = useNavigate({ from: '/traces/$traceId' });
  const o = model.outline;
  const [collapsed, setCollapsed] = useState<Set<number>>(() => new Set());
  const rows = useMemo(() => visibleRows(model, collapsed), [model, collapsed]);
  const selected = useMemo(() => (search.span ? nodeOf(model, search.span) : -1), [model, search.span]);
  const [query, setQuery] = useState('');
  const scrollRef = useRef<HTMLDivElement>(null);

  // The spans whose content (attributes, messages, events) holds the words, found by the server.
  const settled = useDebounced(query.trim(), 250);
  const content = useQuery({
    queryKey: ['trace-search', traceId, settled],
    queryFn: ({ signal }) => getJson<{ span_ids: string[] }>(`/api/traces/${traceId}/search`, { q: settled }, signal),
    // What the API takes: a word, at most 200 characters.
    enabled: /[\p{L}\p{N}]/u.test(settled) && settled.length <= 200,
    staleTime: 60_000,
    retry: false,
  });
  const contentHits = settled === query.trim() ? content.data?.span_ids : undefined;
  // The words found are marked in the selected span's text once typing settles.
  const marker = useMemo(() => wordMatcher(settled), [settled]);

  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return null;
    const out = new Set<number>();
    const byContent = new Set(contentHits);
    const s = o.spans;
    for (let i = 0; i < model.count; i++) {
      if (byContent.has(s.span_id[i] as string)) {
        out.add(i);
        continue;
      }
      const call = s.call[i] as number;
      // What the tree shows of a span: its name, service, model, id, and whether it failed.
      const text = `${o.strings[s.name[i] as number] ?? ''} ${o.strings[s.service[i] as number] ?? ''} ${
        call >= 0 ? (o.strings[o.calls.model[call] as number] ?? '') : ''
      } ${s.span_id[i]}${isErrorNode(model, i) ? ' error' : ''}`;
      if (text.toLowerCase().includes(q)) out.add(i);
    }
    return out;
  }, [query, model, o, contentHits]);

  const select = useCallback(
    (node: number) => {
      // The tree keeps its scroll: the router would otherwise put back the one it saved, and a
      // span selected past the edge would go out of view. The selection replaces the history
      // entry (the link still names it): Back leaves the trace instead of stepping through spans.
      navigate({ search: { span: node >= 0 ? spanIdOf(model, node) : undefined }, replace: true, resetScroll: false });
    },
    [navigate, model],
  );

  // A selected span inside a collapsed subtree is shown: its ancestors open.
  useEffect(() => {
    if (selected < 0) return;
    const hidden = ancestors(model, selected).filter((a) => collapsed.has(a));
    if (hidden.length)
      setCollapsed((prev) => {
        const next = new Set(prev);
        for (const a of hidden) next.delete(a);
        return next;
      });
  }, [selected, model, collapsed]);

  const toggle = useCallback((node: number) => {
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(node)) next.delete(node);
      else next.add(node);
      return next;
    });
  }, []);

  // The matches in tree order, and which of them is selected (-1: none).
  const matchList = useMemo(
    () => (matches ? [...matches].sort((a, b) => (model.position[a] as number) - (model.position[b] as number)) : []),
    [matches, model],
  );
  const matchAt = selected >= 0 && matches?.has(selected) ? matchList.indexOf(selected) : -1;

  const jumpToMatch = (direction: 1 | -1) => {
    const list = matchList;
    if (list.length === 0) return;
    const from = selected >= 0 ? (model.position[selected] as number) : -1;
    const next =
      direction === 1
        ? (list.find((n) => (model.position[n] as number) > from) ?? list[0])
        : ([...list].reverse().find((n) => (model.position[n] as number) < from) ?? list[list.length - 1]);
    if (next !== undefined) select(next);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const index = selected >= 0 ? rows.indexOf(selected) : -1;
    const go = (i: number) => {
      const node = rows[Math.max(0, Math.min(rows.length - 1, i))];
      if (node !== undefined) select(node);
      e.preventDefault();
    };
    const hasChildren = selected >= 0 && (model.size[selected] as number) > 1;
    switch (e.key) {
      case 'ArrowDown':
      case 'j':
        go(index + 1);
        break;
      case 'ArrowUp':
      case 'k':
        go(index < 0 ? 0 : index - 1);
        break;
      case 'Home':
        go(0);
        break;
      case 'End':
        go(rows.length - 1);
        break;
      case 'PageDown':
        go(index + 20);
        break;
      case 'PageUp':
        go(index - 20);
        break;
      case 'ArrowRight':
      case 'l':
        if (hasChildren && collapsed.has(selected)) toggle(selected);
        else if (hasChildren) go(index + 1);
        e.preventDefault();
        break;
      case 'ArrowLeft':
      case 'h':
        if (hasChildren && !collapsed.has(selected)) toggle(selected);
        else if (selected >= 0 && (model.parent[selected] as number) >= 0) select(model.parent[selected] as number);
        e.preventDefault();
        break;
      case 'Enter':
      case ' ':
        if (hasChildren) toggle(selected);
        e.preventDefault();
        break;
      case 'Escape':
        if (selected >= 0) select(-1);
        break;
    }
  };

  // Escape closes the selected span from anywhere but a field (`/` to find is every page's: see useListKeys).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      const typing = target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable;
      if (e.key === 'Escape' && !typing && selected >= 0) select(-1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [select, selected]);

  // Focus the tree on open, so the arrow keys work at once.
  useEffect(() => {
    scrollRef.current?.focus({ preventScroll: true });
  }, []);

  const collapseAll = () => {
    const next = new Set<number>();
    for (let i = 0; i < model.count; i++) if ((model.depth[i] as number) >= 1 && (model.size[i] as number) > 1) next.add(i);
    setCollapsed(next);
  };

  const selectedCall = selected >= 0 ? (o.spans.call[selected] as number) : -1;
  return (
    <main className="page fill">
      <TraceHeader
        traceId={traceId}
        model={model}
        onNextError={() => {
          const node = nextErrorNode(model, selected);
          if (node >= 0) select(node);
        }}
      />
      <div className="trace-body">
        <section className="trace-tree" aria-label="Span tree and timeline">
          <div className="tree-toolbar">
            <SearchBox
              width={260}
              value={query}
              onChange={setQuery}
              placeholder="Find: names, messages, errors…"
              label="Find spans in this trace"
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  jumpToMatch(e.shiftKey ? -1 : 1);
                } else if (e.key === 'Escape') {
                  setQuery('');
                  scrollRef.current?.focus();
                }
              }}
            />
            {matches ? (
              <span
                className="muted"
                title="Span names, services, models and ids here; attribute values, messages and events by the server"
              >
                {matchAt >= 0
                  ? `${(matchAt + 1).toLocaleString()} of ${matches.size.toLocaleString()}`
                  : `${matches.size.toLocaleString()} matching`}
                {contentNote(content, matches.size)}
              </span>
            ) : null}
            <span style={{ marginLeft: 'auto' }} className="faint key-hints">
              <span className="kbd">↑</span> <span className="kbd">↓</span> move · <span className="kbd">←</span>{' '}
              <span className="kbd">→</span> fold · <span className="kbd">/</span> find
              {matches?.size ? (
                <>
                  {' '}
                  · <span className="kbd">Enter</span> next match
                </>
              ) : null}
            </span>
            <button type="button" className="btn small" onClick={() => setCollapsed(new Set())}>
              Expand all
            </button>
            <button type="button" className="btn small" onClick={collapseAll}>
              Collapse all
            </button>
          </div>
          <Waterfall
            model={model}
            rows={rows}
            selected={selected}
            collapsed={collapsed}
            matches={matches}
            onSelect={(node) => select(node)}
            onToggle={toggle}
            onKeyDown={onKeyDown}
            scrollRef={scrollRef}
          />
        </section>
        {selected >= 0 ? (
          <HighlightContext.Provider value={marker}>
            <SpanDetail
              key={spanIdOf(model, selected)}
              traceId={traceId}
              spanId={spanIdOf(model, selected)}
              isCall={selectedCall >= 0}
              offsetMs={o.spans.start_ms[selected] as number}
              onClose={() => {
                select(-1);
                scrollRef.current?.focus();
              }}
            />
          </HighlightContext.Provider>
        ) : null}
      </div>
    </main>
  );
}

function TraceHeader({ traceId, model, onNextError }: { traceId: string; model: TraceModel; onNextError: () => void }) {
  const t = model.outline.trace;
  const c = model.outline.calls;
  let cached = 0;
  let cachedKnown = false;
  for (let i = 0; i < c.count; i++) {
    const v = c.cache_read_tokens[i];
    if (c.counted[i] && v !== null && v !== undefined) {
      cached += v;
      cachedKnown = true;
    }
  }
  return (
    <div className="trace-head">
      <div className="trace-title">
        <Link to="/traces" className="muted" title="Back to traces">
          Traces
        </Link>
        <span className="faint">/</span>
        <h1 title={t.root_span_name}>{t.root_span_name}</h1>
        <span className="muted">{t.service_name}</span>
        {t.error_count ? (
          <button type="button" className="badge error" onClick={onNextError} title="Select the next failed span">
            {t.error_count} error{t.error_count === 1 ? '' : 's'}
          </button>
        ) : null}
        <span style={{ marginLeft: 'auto' }} className="mono faint trace-id" title="Trace id">
          {traceId}
        </span>
        <CopyButton text={traceId} label="Copy trace id" />
      </div>
      <div className="stats">
        <Stat label="Started" value={formatTime(t.start_time)} title={exactTime(t.start_time)} />
        <Stat label="Duration" value={formatDuration(t.duration_ms)} title={`${t.duration_ms} ms`} />
        <Stat label="Spans" value={formatCount(t.span_count)} title={exactCount(t.span_count)} />
        <Stat label="LLM calls" value={formatCount(t.llm_call_count)} />
        <Stat
          label="Tokens in / out"
          value={
            t.llm_call_count ? (
              <>
                {formatCount(t.input_tokens)} <small>/</small> {formatCount(t.output_tokens)}
              </>
            ) : (
              '—'
            )
          }
          title={`input ${exactCount(t.input_tokens)}, output ${exactCount(t.output_tokens)}`}
        />
        <Stat label="Cached" value={cachedKnown ? formatCount(cached) : '—'} title="Input tokens read from the provider's prompt cache" />
        <Stat label="Cost" value={formatCost(t.cost_usd)} title={exactCost(t.cost_usd)} />
        {t.session_id ? (
          <Stat
            label="Session"
            value={
              <Link to="/sessions/$sessionId" params={{ sessionId: t.session_id }}>
                {t.session_id}
              </Link>
            }
          />
        ) : null}
        {t.user_id ? (
          <Stat
            label="User"
            value={
              <Link to="/traces" search={{ user_id: t.user_id }} title={`Traces of ${t.user_id}`}>
                {t.user_id}
              </Link>
            }
          />
        ) : null}
      </div>
    </div>
  );
}

/** What the find box says of the server's part of a find: under way, unavailable, or how words match when none did. */
function contentNote(content: { isFetching: boolean; error: Error | null }, found: number): string {
  if (content.isFetching) return ' · searching content…';
  if (content.error)
    return ` · names only (${/search is off/.test(content.error.message) ? 'content search is off' : 'content search failed'})`;
  return found === 0 ? ' · words are matched whole, the last from its first 3 letters' : '';
}
