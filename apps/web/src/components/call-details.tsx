import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { LlmCall } from '../api/types';
import { exactCost, exactCount, formatCost, formatCount, formatDuration, UNKNOWN } from '../lib/format';
import { Conversation } from './conversation';
import { ValueView } from './json-view';
import { Stat } from './stat';

function Row({ k, children, title }: { k: string; children: ReactNode; title?: string }) {
  return (
    <>
      <div className="k">{k}</div>
      <div className="v" title={title}>
        {children}
      </div>
    </>
  );
}

const tokens = (n: number | null) => (n === null ? UNKNOWN : exactCount(n));

/** The figures of one LLM call: model, tokens, cost, timing, outcome, and where each came from. */
export function CallFigures({ call }: { call: LlmCall }) {
  const b = call.cost_breakdown;
  const freshInput = call.input_tokens === null ? null : call.input_tokens - (call.cache_read_tokens ?? 0) - (call.cache_write_tokens ?? 0);
  // The cost breakdown; a part with no cost and no tokens of its kind has nothing to price: left out, not called unpriced.
  const costParts = b
    ? (
        [
          ['  input', b.input, call.input_tokens],
          ['  cache read', b.cache_read, call.cache_read_tokens],
          ['  cache write', b.cache_write, call.cache_write_tokens],
          ['  output', b.output, call.output_tokens],
          ['  reasoning', b.reasoning, call.reasoning_tokens],
        ] as const
      ).filter(([, usd, count]) => usd !== null || (count ?? 0) > 0)
    : [];
  return (
    <div>
      <div className="stats" style={{ marginBottom: 14 }}>
        <Stat label="Cost" value={formatCost(call.cost_usd)} title={exactCost(call.cost_usd)} />
        <Stat label="Input" value={formatCount(call.input_tokens)} title={tokens(call.input_tokens)} />
        <Stat label="Output" value={formatCount(call.output_tokens)} title={tokens(call.output_tokens)} />
        <Stat label="Duration" value={formatDuration(call.duration_ms)} />
        <Stat label="TTFT" value={formatDuration(call.ttft_ms)} />
        <Stat label="Tokens/s" value={call.tokens_per_s === null ? UNKNOWN : call.tokens_per_s.toFixed(1)} />
      </div>
      {!call.counted ? (
        <div className="notice" style={{ background: 'var(--panel-2)', color: 'var(--text-2)' }}>
          Not counted: this is the same model call as span{' '}
          {call.duplicate_of ? (
            <Link to="/traces/$traceId" params={{ traceId: call.trace_id }} search={{ span: call.duplicate_of }} className="mono">
              {call.duplicate_of}
            </Link>
          ) : null}{' '}
          (seen twice, e.g. by a gateway and the app), so its tokens and cost are counted there.
        </div>
      ) : null}
      {call.is_error ? (
        <div className="notice">
          Failed{call.error_type ? `: ${call.error_type}` : ''}
          {call.status_code !== null ? ` (HTTP ${call.status_code})` : ''}
        </div>
      ) : null}
      <div className="section-title">Model</div>
      <div className="kv">
        <Row k="provider">{call.provider ?? UNKNOWN}</Row>
        <Row k="requested model">{call.request_model ?? UNKNOWN}</Row>
        <Row k="served model">{call.model ?? UNKNOWN}</Row>
        <Row k="operation">{call.operation ?? UNKNOWN}</Row>
        <Row k="streaming">{call.is_streaming === null ? UNKNOWN : call.is_streaming ? 'yes' : 'no'}</Row>
        <Row k="finish reasons">{call.finish_reasons?.join(', ') ?? UNKNOWN}</Row>
        <Row k="tool calls">{call.tool_call_count ?? UNKNOWN}</Row>
        {call.route_name ? <Row k="route">{call.route_name}</Row> : null}
        {call.routing_strategy ? (
          <Row k="routing">{`${call.routing_strategy}${call.routing_reason ? ` — ${call.routing_reason}` : ''}`}</Row>
        ) : null}
      </div>
      <div className="section-title">Tokens</div>
      <div className="kv">
        <Row k="input">{tokens(call.input_tokens)}</Row>
        <Row k="  fresh input">{tokens(freshInput)}</Row>
        <Row k="  cache read">{tokens(call.cache_read_tokens)}</Row>
        <Row k="  cache write">{tokens(call.cache_write_tokens)}</Row>
        <Row k="output">{tokens(call.output_tokens)}</Row>
        <Row k="  reasoning">{tokens(call.reasoning_tokens)}</Row>
        <Row k="total">{tokens(call.total_tokens)}</Row>
      </div>
      <div className="section-title">Cost</div>
      <div className="kv">
        <Row k="total" title={exactCost(call.cost_usd)}>
          {call.cost_usd !== null
            ? exactCost(call.cost_usd)
            : call.price_model !== null
              ? 'unknown (the call reported no token usage)'
              : 'unpriced (no price known for this model)'}
        </Row>
        {costParts.map(([label, usd]) => (
          <Row key={label} k={label}>
            {exactCost(usd)}
          </Row>
        ))}
        <Row k="source">
          {call.cost_source === 'table'
            ? 'built-in price table'
            : call.cost_source === 'override'
              ? 'your price file'
              : call.cost_source === 'source'
                ? 'reported by the instrumentation'
                : UNKNOWN}
        </Row>
        <Row k="priced as">{call.price_model ?? UNKNOWN}</Row>
        {call.source_cost_usd !== null ? <Row k="reported cost">{exactCost(call.source_cost_usd)}</Row> : null}
      </div>
      <div className="section-title">Timing</div>
      <div className="kv">
        <Row k="duration">{formatDuration(call.duration_ms)}</Row>
        <Row k="time to first token">{formatDuration(call.ttft_ms)}</Row>
        <Row k="time per output token">{formatDuration(call.tpt_ms)}</Row>
        <Row k="tokens per second">{call.tokens_per_s === null ? UNKNOWN : call.tokens_per_s.toFixed(2)}</Row>
      </div>
      <div className="section-title">Context</div>
      <div className="kv">
        <Row k="session">
          {call.session_id ? (
            <Link to="/sessions/$sessionId" params={{ sessionId: call.session_id }}>
              {call.session_id}
            </Link>
          ) : (
            UNKNOWN
          )}
        </Row>
        <Row k="user">{call.user_id ?? UNKNOWN}</Row>
        <Row k="service">{call.service_name}</Row>
        <Row k="request id">{call.request_id ?? UNKNOWN}</Row>
      </div>
      {Object.keys(call.parameters).length ? (
        <>
          <div className="section-title">Parameters</div>
          <div className="kv">
            {Object.entries(call.parameters).map(([k, v]) => (
              <Row key={k} k={k}>
                <ValueView value={v} />
              </Row>
            ))}
          </div>
        </>
      ) : null}
      <div className="section-title">Read by vocabulary “{call.vocabulary}” — where each field came from</div>
      <div className="kv">
        {Object.entries(call.provenance).map(([field, p]) => (
          <Row key={field} k={field}>
            <span className="muted">{p.vocabulary}</span> · {p.rule}
          </Row>
        ))}
      </div>
    </div>
  );
}

/** The conversation of a call: what was sent (system prompt first), then what came back. */
export function CallConversation({ call }: { call: LlmCall }) {
  const input = call.input_messages ?? [];
  const output = call.output_messages ?? [];
  if (input.length === 0 && output.length === 0)
    return (
      <div className="muted">
        No messages were recorded for this call. Many instrumentations leave prompts and completions out unless asked (for the Sightline
        SDK: <span className="mono">captureContent: true</span>; OpenTelemetry:{' '}
        <span className="mono">OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true</span>).
      </div>
    );
  return (
    <div>
      {input.length ? <Conversation messages={input} label={`Input · ${input.length} message${input.length === 1 ? '' : 's'}`} /> : null}
      {output.length ? <Conversation messages={output} label="Output" /> : null}
    </div>
  );
}
