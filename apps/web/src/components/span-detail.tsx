import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { getJson } from '../api/client';
import type { JsonValue, LlmCall, Span } from '../api/types';
import { exactTime, formatDuration } from '../lib/format';
import { CallConversation, CallFigures } from './call-details';
import { CopyButton } from './copy-button';
import { CloseIcon } from './icons';
import { JsonView, ValueView } from './json-view';
import { KindIcon } from './kind-icon';
import { ErrorState } from './states';

type Tab = 'conversation' | 'call' | 'attributes' | 'events' | 'resource' | 'links' | 'json';

/** What a span holds, fetched when it is selected: attributes, events, resource, scope, links — and its LLM call. */
export function SpanDetail({
  traceId,
  spanId,
  isCall,
  offsetMs,
  onClose,
}: {
  traceId: string;
  spanId: string;
  isCall: boolean;
  /** Its start after the trace's start. */
  offsetMs: number;
  onClose: () => void;
}) {
  const span = useQuery({
    queryKey: ['span', traceId, spanId],
    queryFn: ({ signal }) => getJson<Span>(`/api/traces/${traceId}/spans/${spanId}`, undefined, signal),
    staleTime: 300_000,
  });
  const call = useQuery({
    queryKey: ['call', spanId],
    queryFn: ({ signal }) => getJson<LlmCall>(`/api/llm-calls/${spanId}`, undefined, signal),
    enabled: isCall,
    staleTime: 300_000,
  });
  const [tab, setTab] = useState<Tab>(isCall ? 'conversation' : 'attributes');
  useEffect(() => {
    setTab((t) => (isCall ? (t === 'attributes' ? 'conversation' : t) : t === 'conversation' || t === 'call' ? 'attributes' : t));
  }, [isCall]);
  // Another tab or span starts at its top (its summary), not at the last one's scroll.
  const body = useRef<HTMLDivElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the scroll resets when the tab or span changes.
  useEffect(() => {
    if (body.current) body.current.scrollTop = 0;
  }, [tab, spanId]);
  const s = span.data;
  const tabs: [Tab, string][] = [
    ...(isCall
      ? ([
          ['conversation', 'Conversation'],
          ['call', 'Call'],
        ] as [Tab, string][])
      : []),
    ['attributes', `Attributes${s ? ` (${Object.keys(s.attributes).length})` : ''}`],
    ['events', `Events${s ? ` (${s.events.length})` : ''}`],
    ['resource', 'Resource'],
    ['links', `Links${s ? ` (${s.links.length})` : ''}`],
    ['json', 'JSON'],
  ];
  return (
    <aside className="detail" aria-label="Selected span">
      <div className="detail-head">
        <h2>
          <KindIcon kind={kindNumber(s?.kind)} isCall={isCall} name={s?.name ?? ''} error={s?.status.code === 'error'} />
          <span className="t" title={s?.name}>
            {s?.name ?? '…'}
          </span>
          <span style={{ marginLeft: 'auto', display: 'flex', gap: 4 }}>
            <CopyButton text={spanId} label="Copy span id" />
            <button type="button" className="btn small ghost" onClick={onClose} aria-label="Close (Esc)" title="Close (Esc)">
              <CloseIcon />
            </button>
          </span>
        </h2>
        <div className="muted" style={{ display: 'flex', gap: 10, flexWrap: 'wrap' }}>
          {s ? (
            <>
              <span>{s.service_name}</span>
              <span>{s.kind}</span>
              <span title={exactTime(s.start_time)}>
                {offsetMs === 0 ? 'starts with the trace' : `starts ${offsetMs < 0 ? '−' : '+'}${formatDuration(Math.abs(offsetMs))}`}
              </span>
              <span>lasts {formatDuration(s.duration_ms)}</span>
              {s.status.code === 'error' ? (
                <span className="badge error status-message" title={s.status.message || undefined}>
                  error{s.status.message ? `: ${s.status.message}` : ''}
                </span>
              ) : null}
              {s.status.code === 'ok' ? <span className="badge">ok</span> : null}
            </>
          ) : (
            <span className="skeleton" style={{ width: 200 }} />
          )}
        </div>
        <div className="tabs" role="tablist">
          {tabs.map(([id, label]) => (
            <button key={id} type="button" role="tab" aria-selected={tab === id} onClick={() => setTab(id)}>
              {label}
            </button>
          ))}
        </div>
      </div>
      <div className="detail-body" ref={body}>
        {span.isError ? <ErrorState error={span.error} retry={() => void span.refetch()} /> : null}
        {tab === 'conversation' || tab === 'call' ? (
          call.isError ? (
            <ErrorState error={call.error} retry={() => void call.refetch()} />
          ) : call.data ? (
            tab === 'conversation' ? (
              <CallConversation call={call.data} />
            ) : (
              <CallFigures call={call.data} />
            )
          ) : (
            <span className="skeleton" style={{ width: '60%' }} />
          )
        ) : null}
        {s && tab === 'attributes' ? <Attributes values={s.attributes} dropped={s.dropped_attributes_count} /> : null}
        {s && tab === 'events' ? (
          s.events.length === 0 ? (
            <span className="muted">No events.</span>
          ) : (
            s.events.map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: events are positional.
              <div key={i} style={{ marginBottom: 14 }}>
                <div className="section-title" title={exactTime(e.time)}>
                  {e.name} <span className="faint">· {exactTime(e.time)}</span>
                </div>
                <Attributes values={e.attributes} dropped={e.dropped_attributes_count} />
              </div>
            ))
          )
        ) : null}
        {s && tab === 'resource' ? (
          <>
            <div className="section-title">Resource</div>
            <Attributes values={s.resource.attributes} dropped={s.resource.dropped_attributes_count} />
            <div className="section-title">Instrumentation scope</div>
            <div className="kv">
              <div className="k">name</div>
              <div className="v">{s.scope.name || '—'}</div>
              <div className="k">version</div>
              <div className="v">{s.scope.version || '—'}</div>
            </div>
            {Object.keys(s.scope.attributes).length ? <Attributes values={s.scope.attributes} dropped={0} /> : null}
          </>
        ) : null}
        {s && tab === 'links' ? (
          s.links.length === 0 ? (
            <span className="muted">No links.</span>
          ) : (
            s.links.map((l) => (
              <div key={`${l.trace_id}${l.span_id}`} style={{ marginBottom: 12 }}>
                <Link to="/traces/$traceId" params={{ traceId: l.trace_id }} search={{ span: l.span_id }} className="mono">
                  {l.trace_id} / {l.span_id}
                </Link>
                {Object.keys(l.attributes).length ? <Attributes values={l.attributes} dropped={l.dropped_attributes_count} /> : null}
              </div>
            ))
          )
        ) : null}
        {s && tab === 'json' ? (
          <>
            <CopyButton text={JSON.stringify(s, null, 2)} label="Copy JSON" />
            <div className="json">
              <JsonView value={s as unknown as JsonValue} openDepth={1} />
            </div>
          </>
        ) : null}
      </div>
    </aside>
  );
}

function Attributes({ values, dropped }: { values: Record<string, JsonValue>; dropped: number }) {
  const keys = Object.keys(values).sort();
  if (keys.length === 0) return <span className="muted">None.</span>;
  return (
    <div className="kv">
      {keys.map((k) => (
        <div key={k} style={{ display: 'contents' }}>
          <div className="k">
            <DottedKey name={k} />
          </div>
          <div className="v">
            <ValueView value={values[k] as JsonValue} />
          </div>
        </div>
      ))}
      {dropped ? (
        <>
          <div className="k faint">dropped</div>
          <div className="v faint">{dropped} attributes dropped by the sender</div>
        </>
      ) : null}
    </div>
  );
}

function kindNumber(kind: string | undefined): number {
  return ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'].indexOf(kind ?? 'internal');
}

/** An attribute key that wraps after its dots (`gen_ai.tool.call.` / `arguments`), not inside a word. */
function DottedKey({ name }: { name: string }) {
  const parts = name.split('.');
  return (
    <>
      {parts.map((part, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one key, in order.
        <span key={i}>
          {part}
          {i < parts.length - 1 ? (
            <>
              .<wbr />
            </>
          ) : null}
        </span>
      ))}
    </>
  );
}
