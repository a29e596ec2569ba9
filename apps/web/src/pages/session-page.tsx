import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useRef } from 'react';
import { ApiError, getJson } from '../api/client';
import type { LlmCall, SessionDetail } from '../api/types';
import { Conversation } from '../components/conversation';
import { Stat } from '../components/stat';
import { ErrorState } from '../components/states';
import { exactCost, exactTime, formatCost, formatCount, formatDuration, formatTime } from '../lib/format';
import { newInput } from '../lib/new-messages';
import { turnNumbers } from '../lib/turns';
import { useInView } from '../lib/use-in-view';
import { SessionLabels } from './sessions-page';

/**
 * One session as a conversation: its calls in time order, each turn showing what the user
 * said last and what came back, linked to its trace.
 */
export function SessionPage() {
  const { sessionId } = useParams({ from: '/sessions/$sessionId' });
  // A long session comes a page of turns at a time, in time order.
  const detail = useInfiniteQuery({
    queryKey: ['session', sessionId],
    queryFn: ({ signal, pageParam }) =>
      getJson<SessionDetail>(`/api/sessions/${encodeURIComponent(sessionId)}`, { cursor: pageParam ?? undefined }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? null,
  });
  if (detail.isError) {
    const missing = detail.error instanceof ApiError && detail.error.status === 404;
    return (
      <main className="page">
        {missing ? (
          <div className="empty">
            <h2>Session not found</h2>
            <p>
              No calls of session <span className="mono">{sessionId}</span> are stored.
            </p>
            <Link to="/sessions" className="btn primary">
              Back to sessions
            </Link>
          </div>
        ) : (
          <ErrorState error={detail.error} retry={() => void detail.refetch()} />
        )}
      </main>
    );
  }
  const first = detail.data?.pages[0];
  const d = first ? { session: first.session, calls: detail.data?.pages.flatMap((p) => p.calls) ?? [] } : undefined;
  const turns = d ? turnNumbers(d.calls) : [];
  return (
    <main className="page">
      <div className="trace-title" style={{ marginBottom: 12 }}>
        <Link to="/sessions" className="muted">
          Sessions
        </Link>
        <span className="faint">/</span>
        {d?.session.name ? (
          <>
            <h1 style={{ fontSize: 16, margin: 0 }}>{d.session.name}</h1>
            <span className="mono faint">{sessionId}</span>
          </>
        ) : (
          <h1 style={{ fontSize: 16, margin: 0 }} className="mono">
            {sessionId}
          </h1>
        )}
        {d ? <SessionLabels labels={d.session.labels} /> : null}
      </div>
      {d ? (
        <div className="card" style={{ marginBottom: 14 }}>
          <div className="stats">
            <Stat label="Started" value={formatTime(d.session.first_seen)} title={exactTime(d.session.first_seen)} />
            <Stat label="Last active" value={formatTime(d.session.last_seen)} title={exactTime(d.session.last_seen)} />
            <Stat label="Users" value={d.session.users.join(', ') || '—'} />
            <Stat label="Traces" value={formatCount(d.session.trace_count)} />
            <Stat label="LLM calls" value={formatCount(d.session.call_count)} />
            <Stat label="Tokens" value={formatCount(d.session.total_tokens)} />
            <Stat label="Cost" value={formatCost(d.session.cost_usd)} title={exactCost(d.session.cost_usd)} />
            <Stat label="Failed calls" value={String(d.session.error_count)} />
          </div>
        </div>
      ) : (
        <span className="skeleton" style={{ width: '50%' }} />
      )}
      {d ? (
        <div className="card">
          <h2>Conversation, turn by turn</h2>
          {d.calls.map((c, i) => (
            <Turn key={c.span_id} call={c} index={turns[i] ?? null} />
          ))}
          {d.calls.length === 0 ? <span className="muted">No calls.</span> : null}
          {detail.hasNextPage ? (
            <div className="pager">
              <span className="muted">
                {d.calls.length.toLocaleString()} of {d.session.call_count.toLocaleString()} calls
              </span>
              <button type="button" className="btn" disabled={detail.isFetchingNextPage} onClick={() => void detail.fetchNextPage()}>
                {detail.isFetchingNextPage ? 'Loading…' : 'Load more turns'}
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
    </main>
  );
}

/** One call of the session: a turn of the conversation (`index`), or an embeddings call (null), shown as its figures alone. */
function Turn({ call, index }: { call: LlmCall; index: number | null }) {
  // Session lists leave content out; a turn's messages come with the call itself, fetched as
  // the turn scrolls into view (a session can hold thousands of calls).
  const box = useRef<HTMLDivElement>(null);
  const near = useInView(box);
  const full = useQuery({
    queryKey: ['call', call.span_id],
    queryFn: ({ signal }) => getJson<LlmCall>(`/api/llm-calls/${call.span_id}`, undefined, signal),
    enabled: near && call.input_messages === null && index !== null,
    staleTime: 300_000,
  });
  const c = full.data ?? call;
  const input = newInput(c.input_messages);
  return (
    <div className="turn" ref={box}>
      <div className="turn-meta">
        <strong style={{ color: 'var(--text)' }}>{index === null ? 'Embeddings' : `Turn ${index}`}</strong>
        <span title={exactTime(c.timestamp)}>{formatTime(c.timestamp)}</span>
        <span>{c.model ?? c.request_model ?? 'unknown model'}</span>
        <span>
          {formatCount(c.input_tokens)} → {formatCount(c.output_tokens)} tok
        </span>
        <span>
          {formatCost(c.cost_usd)} · {formatDuration(c.duration_ms)}
        </span>
        {c.is_error ? <span className="badge error">error</span> : null}
        <Link to="/traces/$traceId" params={{ traceId: c.trace_id }} search={{ span: c.span_id }}>
          Open in trace →
        </Link>
      </div>
      {index === null ? null : (
        <div>
          {!full.data && call.input_messages === null ? <span className="skeleton" style={{ width: '70%' }} /> : null}
          {input.length ? <Conversation messages={input} /> : null}
          {c.output_messages?.length ? <Conversation messages={c.output_messages} /> : null}
          {(full.data || call.input_messages !== null) && !input.length && !c.output_messages?.length ? (
            <span className="muted">No messages recorded for this call (its instrumentation did not capture content).</span>
          ) : null}
        </div>
      )}
    </div>
  );
}
