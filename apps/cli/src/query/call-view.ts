import type { LiveCall } from '../tail/live-call.js';
import { clock, count, ms, rate, UNKNOWN, usd } from '../terminal/format.js';
import { byThreshold, LATENCY_MS, type Style, TTFT_MS } from '../terminal/style.js';
import { type Message, messageText } from './session-view.js';

/** `GET /api/llm-calls/{span_id}`: one call in full (what the view shows of it). */
export interface CallDetail extends LiveCall {
  readonly is_streaming: boolean | null;
  readonly cost_source: string | null;
  readonly finish_reasons: string[] | null;
  readonly user_id: string | null;
  readonly parameters: Record<string, unknown> | null;
  readonly input_messages: Message[] | null;
  readonly output_messages: Message[] | null;
  readonly vocabulary: string | null;
  readonly duplicate_of: string | null;
}

/** One LLM call as text: what it was, its figures, its parameters, then its messages in and out. */
export function renderCall(c: CallDetail, style: Style, width: number): string {
  const model = c.model ?? c.request_model ?? UNKNOWN;
  const asked = c.request_model && c.model && c.request_model !== c.model ? style.dim(` (asked ${c.request_model})`) : '';
  const status = c.is_error
    ? style.red(String(c.status_code ?? c.error_type ?? 'error'))
    : style.green(c.status_code ? `OK ${c.status_code}` : 'OK');
  const lines = [
    `${style.bold(model)}${asked} ${style.dim(`· ${[c.provider, c.operation, c.service_name].filter((x) => x).join(' · ')}`)} · ${status}`,
    style.dim(
      `${clock(c.timestamp)} · trace ${c.trace_id} · span ${c.span_id}${c.session_id ? ` · session ${c.session_id}` : ''}${c.user_id ? ` · user ${c.user_id}` : ''}`,
    ),
    [
      `in ${count(c.input_tokens)}${c.cache_read_tokens ? ` (${count(c.cache_read_tokens)} cached)` : ''}`,
      `out ${count(c.output_tokens)}${c.reasoning_tokens ? ` (${count(c.reasoning_tokens)} reasoning)` : ''}`,
      `TTFT ${byThreshold(style, c.ttft_ms, TTFT_MS, ms(c.ttft_ms))}`,
      `latency ${byThreshold(style, c.duration_ms, LATENCY_MS, ms(c.duration_ms))}`,
      `${rate(c.tokens_per_s)} tok/s`,
      `${usd(c.cost_usd)}${c.cost_source ? style.dim(` (${c.cost_source})`) : ''}`,
      c.is_streaming ? 'streamed' : null,
      c.finish_reasons?.length ? `finish ${c.finish_reasons.join(', ')}` : null,
    ]
      .filter((x) => x !== null)
      .join(style.dim(' · ')),
  ];
  if (!c.counted) lines.push(style.yellow(`A second record of call ${c.duplicate_of ?? 'another'}: not counted in totals.`));
  if (c.is_error && c.error_type) lines.push(style.red(`error ${c.error_type}`));
  const params = Object.entries(c.parameters ?? {});
  if (params.length) lines.push(style.dim(`parameters ${params.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`));
  const out = [`${lines.join('\n')}\n`];
  const messages = [...(c.input_messages ?? []), ...(c.output_messages ?? [])];
  if (messages.length) {
    out.push('\n');
    for (const m of messages) out.push(messageText(m, width, style));
  } else out.push(style.dim('\n(no messages recorded)\n'));
  return out.join('');
}
