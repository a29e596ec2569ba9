import { Command } from 'commander';
import { serverUrlOption } from '../server-client.js';
import { clock, count, ms, UNKNOWN, usd } from '../terminal/format.js';
import { byThreshold, LATENCY_MS } from '../terminal/style.js';
import { outputStyle, printTable } from './output.js';
import { getApi, printJson } from './query-client.js';
import { type TreeCall, type TreeRow, type TreeSpan, traceTree } from './trace-tree.js';

interface TraceDetail {
  trace: {
    trace_id: string;
    root_span_name: string;
    service_name: string;
    start_time: string;
    duration_ms: number;
    span_count: number;
    error_count: number;
    llm_call_count: number;
    total_tokens: number | null;
    cost_usd: number | null;
    session_id: string | null;
    user_id: string | null;
  };
  spans: TreeSpan[];
}

const HEX32 = /^[0-9a-fA-F]{32}$/;

function usageError(command: string, message: string): never {
  process.stderr.write(`error: ${message}\n(run "sightline ${command} --help" for usage)\n`);
  process.exit(2);
}

/** `sightline trace ID`: one trace as a tree. */
export function traceCommand(): Command {
  return new Command('trace')
    .description('Show one trace as a tree: each span with its duration, the tokens and cost of the LLM calls under it; errors marked')
    .argument('<trace-id>', 'the trace id (32 hex characters)')
    .addOption(serverUrlOption())
    .option('--json', 'print the API’s JSON (the trace and its spans) instead of the tree')
    .action(async (traceId: string, o: { url: string; json?: boolean }) => {
      if (!HEX32.test(traceId)) usageError('trace', `"${traceId}" is not a trace id (32 hex characters)`);
      const detail = await getApi<TraceDetail>(o.url, `/api/traces/${traceId.toLowerCase()}`);
      if (o.json) return printJson(detail);
      const q = new URLSearchParams({ trace_id: traceId.toLowerCase(), limit: '1000' });
      const calls = (await getApi<{ data: TreeCall[] }>(o.url, '/api/llm-calls', q)).data;
      const { style } = outputStyle();
      const t = detail.trace;
      const figures = [
        `${count(t.span_count)} spans`,
        ms(t.duration_ms),
        `${count(t.llm_call_count)} LLM calls`,
        `${count(t.total_tokens)} tokens`,
        usd(t.cost_usd),
        t.error_count ? style.red(`${t.error_count} errors`) : null,
        t.session_id ? `session ${t.session_id}` : null,
        t.user_id ? `user ${t.user_id}` : null,
      ].filter((x) => x !== null);
      process.stdout.write(
        `${style.bold(t.root_span_name)} ${style.dim(`· ${t.service_name} · ${t.trace_id}`)}\n${figures.join(style.dim(' · '))}\n\n`,
      );
      printTable(
        traceTree(detail.spans, calls),
        (s) => [
          {
            header: 'SPAN',
            align: 'left',
            drop: 0,
            shrinkTo: 24,
            cell: (r: TreeRow) => `${r.prefix}${r.span.name}${r.span.status.code === 'error' ? ' ✗' : ''}`,
            color: (r, text) => {
              const at = r.prefix.length;
              const name = text.slice(at);
              const drawn = r.span.status.code === 'error' ? s.red(name) : r.call ? s.cyan(name) : name;
              return s.dim(text.slice(0, at)) + drawn;
            },
          },
          {
            header: 'DURATION',
            align: 'right',
            drop: 1,
            cell: (r) => ms(r.span.duration_ms),
            color: (r, text) => (r.call ? byThreshold(s, r.span.duration_ms, LATENCY_MS, text) : text),
          },
          {
            header: 'MODEL',
            align: 'left',
            drop: 2,
            shrinkTo: 14,
            cell: (r) => (r.call ? (r.call.model ?? r.call.request_model ?? UNKNOWN) : ''),
          },
          {
            header: 'TOKENS',
            align: 'right',
            drop: 3,
            cell: (r) => (r.calls ? count(r.tokens) : ''),
            color: (r, text) => (r.call ? text : s.dim(text)),
          },
          {
            header: 'COST',
            align: 'right',
            drop: 2,
            cell: (r) => (r.calls ? usd(r.cost) : ''),
            color: (r, text) => (r.call ? text : s.dim(text)),
          },
          {
            header: 'ERROR',
            align: 'left',
            drop: 4,
            shrinkTo: 16,
            cell: (r) => (r.span.status.code === 'error' ? r.span.status.message || 'error' : ''),
            color: (_r, text) => s.red(text),
          },
        ],
        'The trace has no spans.',
      );
      process.stdout.write(style.dim('\nTokens and cost of a span are those of the LLM calls under it (a call’s own, in full colour).\n'));
    });
}

interface Message {
  role: string;
  parts: { type: string; content?: string; name?: string; arguments?: unknown; response?: unknown }[];
}

interface SessionCall {
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

interface SessionDetail {
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

/** `sightline session ID`: a conversation, turn by turn. */
export function sessionCommand(): Command {
  return new Command('session')
    .description(
      'Show one session as a conversation, turn by turn: what was asked, what came back, with each call’s model, tokens and cost',
    )
    .argument('<session-id>', 'the session id')
    .addOption(serverUrlOption())
    .option('--json', 'print the API’s JSON instead of the conversation')
    .action(async (sessionId: string, o: { url: string; json?: boolean }) => {
      const detail = await getApi<SessionDetail>(
        o.url,
        `/api/sessions/${encodeURIComponent(sessionId)}`,
        new URLSearchParams({ limit: '1000' }),
      );
      if (o.json) return printJson(detail);
      const { style, width } = outputStyle();
      const s = detail.session;
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${v}`);
      process.stdout.write(`${style.bold(s.name ?? s.session_id)}${s.name ? style.dim(` · ${s.session_id}`) : ''}\n`);
      const figures = [
        `${count(s.trace_count)} traces`,
        `${count(s.call_count)} LLM calls`,
        `${count(s.total_tokens)} tokens`,
        usd(s.cost_usd),
        s.error_count ? style.red(`${s.error_count} errors`) : null,
        s.users.length ? `users ${s.users.join(', ')}` : null,
        labels.length ? labels.join(' ') : null,
      ].filter((x) => x !== null);
      process.stdout.write(`${figures.join(style.dim(' · '))}\n`);
      let seen = 0;
      const turns = detail.calls.filter((c) => c.counted);
      turns.forEach((c, i) => {
        const status = c.is_error ? style.red(` · ${c.status_code ?? c.error_type ?? 'error'}`) : '';
        process.stdout.write(
          `\n${style.bold(`Turn ${i + 1}`)} ${style.dim(`· ${clock(c.timestamp)} · ${c.model ?? c.request_model ?? UNKNOWN} · ${count(c.input_tokens)} → ${count(c.output_tokens)} tokens · ${usd(c.cost_usd)} · ${ms(c.duration_ms)}`)}${status}\n`,
        );
        // What is new in this turn's input: the messages after those the previous turn sent.
        const input = c.input_messages ?? [];
        // A conversation resends what came before; a call with other input (an embedding) starts no new thread.
        const fresh = input.slice(seen <= input.length ? seen : 0).filter((m) => m.role !== 'system');
        if (input.length) seen = input.length + (c.output_messages?.length ?? 0);
        for (const m of [...fresh, ...(c.output_messages ?? [])]) writeMessage(m, width, style);
        if (!input.length && !c.output_messages?.length) process.stdout.write(style.dim('  (no messages recorded)\n'));
      });
      if (detail.next_cursor) process.stderr.write('(the first 1,000 calls are shown; the rest with --json and the API’s cursor)\n');
    });
}

function writeMessage(m: Message, width: number, style: ReturnType<typeof outputStyle>['style']): void {
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
      process.stdout.write(`  ${label}${line}\n`);
    }
  }
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
