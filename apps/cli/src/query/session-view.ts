import { clock, count, ms, UNKNOWN, usd } from '../terminal/format.js';
import type { Style } from '../terminal/style.js';

export interface Message {
  role: string;
  parts: { type: string; content?: string; name?: string; arguments?: unknown; response?: unknown }[];
}

export interface SessionCall {
  trace_id: string;
  span_id: string;
  timestamp: string;
  model: string | null;
  request_model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  duration_ms: number;
  is_error: boolean;
  error_type: string | null;
  status_code: number | null;
  counted: boolean;
  input_messages: Message[] | null;
  output_messages: Message[] | null;
}

/** `GET /api/sessions/{id}`: the session and its calls in time order. */
export interface SessionDetail {
  session: {
    session_id: string;
    name: string | null;
    labels: Record<string, string>;
    first_seen: string;
    last_seen: string;
    trace_count: number;
    call_count: number;
    error_count: number;
    total_tokens: number | null;
    cost_usd: number | null;
    users: string[];
  };
  calls: SessionCall[];
  next_cursor: string | null;
}

/** A session as text: its name and figures, then each counted call as a turn with what is new in it. */
export function renderConversation(detail: SessionDetail, style: Style, width: number): string {
  const out: string[] = [];
  const s = detail.session;
  const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${v}`);
  out.push(`${style.bold(s.name ?? s.session_id)}${s.name ? style.dim(` · ${s.session_id}`) : ''}\n`);
  const figures = [
    `${count(s.trace_count)} traces`,
    `${count(s.call_count)} LLM calls`,
    `${count(s.total_tokens)} tokens`,
    usd(s.cost_usd),
    s.error_count ? `${s.error_count} errors` : null,
    s.users.length ? `users ${s.users.join(', ')}` : null,
    labels.length ? labels.join(' ') : null,
  ].filter((x) => x !== null);
  const errors = `${s.error_count} errors`;
  for (const line of fitParts(figures, width)) out.push(`${s.error_count ? line.replace(errors, style.red(errors)) : line}\n`);
  // A conversation resends what came before: each message is shown the first time it comes.
  const shown = new Set<string>();
  const turns = detail.calls.filter((c) => c.counted);
  turns.forEach((c, i) => {
    const figures = [
      clock(c.timestamp),
      c.model ?? c.request_model ?? UNKNOWN,
      `${count(c.input_tokens)} → ${count(c.output_tokens)} tokens`,
      usd(c.cost_usd),
      ms(c.duration_ms),
      `trace ${c.trace_id.slice(0, 8)}`,
    ];
    const status = c.is_error ? String(c.status_code ?? c.error_type ?? 'error') : null;
    const turn = `Turn ${i + 1}`;
    const lines = fitParts([turn, ...figures, ...(status ? [status] : [])], width);
    // Styled after fitting, so escape codes never count as width: the turn bold, its figures dim, a failure red.
    lines.forEach((line, n) => {
      const text = n === 0 ? line.slice(turn.length) : line;
      const last = status !== null && n === lines.length - 1;
      const painted = last ? style.dim(text.slice(0, -status.length)) + style.red(status) : style.dim(text);
      out.push(`${n === 0 ? `\n${style.bold(turn)}` : ''}${painted}\n`);
    });
    const messages = [...(c.input_messages ?? []).filter((m) => m.role !== 'system'), ...(c.output_messages ?? [])];
    let any = false;
    for (const m of messages) {
      const key = JSON.stringify(m);
      if (shown.has(key)) continue;
      shown.add(key);
      any = true;
      out.push(messageText(m, width, style));
    }
    if (!any) out.push(style.dim(messages.length ? '  (nothing new)\n' : '  (no messages recorded)\n'));
  });
  return out.join('');
}

/** One message as indented text: its role, then each part (text, tool call, tool result) wrapped to the width. */
export function messageText(m: Message, width: number, style: Style): string {
  const out: string[] = [];
  const role = m.role === 'assistant' ? style.green(m.role) : m.role === 'user' ? style.cyan(m.role) : style.magenta(m.role);
  for (const p of m.parts) {
    const text =
      p.type === 'text' || p.type === 'reasoning'
        ? (p.content ?? '')
        : p.type === 'tool_call'
          ? `→ ${p.name}(${JSON.stringify(p.arguments ?? {})})`
          : p.type === 'tool_call_response'
            ? `← ${typeof p.response === 'string' ? p.response : JSON.stringify(p.response)}`
            : `[${p.type}]`;
    const lines = wrap(text, Math.max(20, width - 14));
    for (const [i, line] of lines.entries()) {
      const label = i === 0 ? `${role}${' '.repeat(Math.max(1, 11 - m.role.length))}` : ' '.repeat(11);
      out.push(`  ${label}${line}\n`);
    }
  }
  return out.join('');
}

/** Parts joined by " · " into lines of at most `width` characters; a part that does not fit starts an indented line. */
function fitParts(parts: string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    if (line && line.length + 3 + part.length > width) {
      lines.push(line);
      line = `  ${part}`;
    } else line = line ? `${line} · ${part}` : part;
  }
  lines.push(line);
  return lines;
}

/** Text broken into lines of at most `width` characters, at spaces where it can. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = '';
      }
      line = line ? `${line} ${word}` : word;
      while (line.length > width) {
        out.push(line.slice(0, width));
        line = line.slice(width);
      }
    }
    out.push(line);
  }
  return out;
}
