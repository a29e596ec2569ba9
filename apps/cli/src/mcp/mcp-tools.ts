import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { renderConversation, type SessionDetail } from '../query/session-view.js';
import type { TreeCall } from '../query/trace-tree.js';
import { renderTrace, type TraceDetail } from '../query/trace-view.js';
import { callServer, errorOf } from '../server-client.js';
import { PLAIN } from '../terminal/style.js';

/** Text an agent reads back: JSON, compact but indented a little. */
type ToolResult = { content: { type: 'text'; text: string }[]; isError?: boolean };

const text = (t: string): ToolResult => ({ content: [{ type: 'text', text: t }] });
const json = (value: unknown): ToolResult => text(JSON.stringify(value, null, 1));

/** GET an API path; throws the server's (or the network's) message. */
async function api<T>(url: string, path: string, params: Record<string, string | number | boolean | undefined> = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== false && v !== '') q.set(k, String(v));
  const answer = await callServer<T>(url, `${path}${[...q].length ? `?${q}` : ''}`, { method: 'GET' });
  if (!answer.ok || answer.body === null) throw new Error(errorOf(answer));
  return answer.body;
}

/** Runs a tool, turning a failure into an error result the agent can read. */
async function guarded(run: () => Promise<ToolResult>): Promise<ToolResult> {
  try {
    return await run();
  } catch (err) {
    return { ...text((err as Error).message), isError: true };
  }
}

const since = z.string().optional().describe('From then on: a duration before now (15m, 2h, 7d) or an ISO-8601 time; default all');
const limit = z.number().int().min(1).max(200).optional().describe('How many (default 20)');
const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const;

interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** The tools `sightline mcp` offers: what an engineer asks a coding agent about their LLM app, answered from a running server. */
export function registerTools(server: McpServer, url: string): void {
  server.registerTool(
    'list_traces',
    {
      title: 'Recent traces',
      description:
        'Traces of the LLM app, newest first: root span, service, duration, span and LLM call counts, tokens, cost, errors. Filter by time, service, session, user, model, failures, or free text (prompts, completions, span names, attributes).',
      inputSchema: {
        since,
        service: z.string().optional(),
        session_id: z.string().optional(),
        user_id: z.string().optional(),
        model: z.string().optional(),
        errors_only: z.boolean().optional().describe('Only traces with a failed span'),
        search: z.string().optional().describe('Free text: words in prompts, completions, names and attribute values'),
        limit,
        cursor: z.string().optional().describe('The next_cursor of the previous answer, for the next page'),
      },
      annotations: READ_ONLY,
    },
    (a) =>
      guarded(async () => {
        const page = await api<Page<Record<string, unknown>>>(url, '/api/traces', {
          start: a.since,
          service: a.service,
          session_id: a.session_id,
          user_id: a.user_id,
          model: a.model,
          status: a.errors_only ? 'error' : undefined,
          q: a.search,
          limit: a.limit ?? 20,
          cursor: a.cursor,
        });
        return json({
          next_cursor: page.next_cursor,
          traces: page.data.map((t) =>
            pick(t, [
              'trace_id',
              'start_time',
              'root_span_name',
              'service_name',
              'duration_ms',
              'span_count',
              'llm_call_count',
              'total_tokens',
              'cost_usd',
              'error_count',
              'session_id',
              'user_id',
            ]),
          ),
        });
      }),
  );

  server.registerTool(
    'get_trace',
    {
      title: 'One trace as a tree',
      description:
        'A trace’s span tree: each span’s duration, the tokens and cost of the LLM calls under it, the model of each call, failed spans with their error message.',
      inputSchema: {
        trace_id: z
          .string()
          .regex(/^[0-9a-fA-F]{32}$/)
          .describe('32 hex characters'),
      },
      annotations: READ_ONLY,
    },
    (a) =>
      guarded(async () => {
        const id = a.trace_id.toLowerCase();
        const detail = await api<TraceDetail>(url, `/api/traces/${id}`);
        const calls = (await api<{ data: TreeCall[] }>(url, '/api/llm-calls', { trace_id: id, limit: 1000 })).data;
        return text(renderTrace(detail, calls, PLAIN, 160));
      }),
  );

  server.registerTool(
    'list_llm_calls',
    {
      title: 'LLM calls',
      description:
        'Model calls, newest first: model, provider, tokens, time to first token, latency, cost, error. Filter by model, provider, session, user, service, failures, time or free text. Use get_llm_call for one call’s messages.',
      inputSchema: {
        since,
        model: z.string().optional(),
        provider: z.string().optional().describe('openai, anthropic, gcp.gemini, aws.bedrock, …'),
        session_id: z.string().optional(),
        user_id: z.string().optional(),
        service: z.string().optional(),
        errors_only: z.boolean().optional(),
        search: z.string().optional(),
        limit,
        cursor: z.string().optional().describe('The next_cursor of the previous answer, for the next page'),
      },
      annotations: READ_ONLY,
    },
    (a) =>
      guarded(async () => {
        const page = await api<Page<Record<string, unknown>>>(url, '/api/llm-calls', {
          start: a.since,
          model: a.model,
          provider: a.provider,
          session_id: a.session_id,
          user_id: a.user_id,
          service: a.service,
          status: a.errors_only ? 'error' : undefined,
          q: a.search,
          limit: a.limit ?? 20,
          cursor: a.cursor,
        });
        return json({
          calls: page.data.map((c) =>
            pick(c, [
              'timestamp',
              'trace_id',
              'span_id',
              'service_name',
              'provider',
              'model',
              'input_tokens',
              'output_tokens',
              'cache_read_tokens',
              'ttft_ms',
              'duration_ms',
              'cost_usd',
              'is_error',
              'error_type',
              'status_code',
              'session_id',
              'counted',
            ]),
          ),
          next_cursor: page.next_cursor,
        });
      }),
  );

  server.registerTool(
    'get_llm_call',
    {
      title: 'One LLM call in full',
      description:
        'Everything about one model call: its messages in and out, tool calls, parameters, tokens, cost and how it was priced, and where each field came from.',
      inputSchema: {
        span_id: z
          .string()
          .regex(/^[0-9a-fA-F]{16}$/)
          .describe('The call’s span id, 16 hex characters'),
      },
      annotations: READ_ONLY,
    },
    (a) => guarded(async () => json(await api(url, `/api/llm-calls/${a.span_id.toLowerCase()}`))),
  );

  server.registerTool(
    'llm_stats',
    {
      title: 'Cost, latency and errors, grouped',
      description:
        'Calls, errors, tokens, cost, latency and TTFT percentiles of the LLM calls, grouped by model, provider, service, operation, route, session, user, hour or day.',
      inputSchema: {
        group_by: z.enum(['model', 'provider', 'service', 'operation', 'route', 'session', 'user', 'hour', 'day']).optional(),
        since,
        model: z.string().optional(),
        provider: z.string().optional(),
        service: z.string().optional(),
      },
      annotations: READ_ONLY,
    },
    (a) =>
      guarded(async () =>
        json(
          await api(url, '/api/metrics', {
            group_by: a.group_by ?? 'model',
            start: a.since,
            model: a.model,
            provider: a.provider,
            service: a.service,
          }),
        ),
      ),
  );

  server.registerTool(
    'recent_errors',
    {
      title: 'What failed',
      description: 'Failed LLM calls, newest first, with their error type and HTTP status, and the failures counted by model.',
      inputSchema: { since, limit },
      annotations: READ_ONLY,
    },
    (a) =>
      guarded(async () => {
        const [calls, byModel] = await Promise.all([
          api<Page<Record<string, unknown>>>(url, '/api/llm-calls', { start: a.since, status: 'error', limit: a.limit ?? 20 }),
          api<{ data: { key: string | null; errors: number; calls: number }[] }>(url, '/api/metrics', {
            start: a.since,
            status: 'error',
            group_by: 'model',
          }),
        ]);
        return json({
          errors_by_model: byModel.data.map((r) => ({ model: r.key, errors: r.calls })),
          calls: calls.data.map((c) =>
            pick(c, [
              'timestamp',
              'trace_id',
              'span_id',
              'service_name',
              'model',
              'request_model',
              'error_type',
              'status_code',
              'duration_ms',
            ]),
          ),
        });
      }),
  );

  server.registerTool(
    'get_session',
    {
      title: 'A conversation',
      description:
        'A session (a conversation or agent run) turn by turn: what was asked, what came back, tool calls and results, each call’s model, tokens and cost.',
      inputSchema: {
        session_id: z.string().min(1),
        limit: z.number().int().min(1).max(500).optional().describe('Calls (turns) to show from the start (default 50)'),
      },
      annotations: READ_ONLY,
    },
    (a) =>
      guarded(async () => {
        const detail = await api<SessionDetail>(url, `/api/sessions/${encodeURIComponent(a.session_id)}`, { limit: a.limit ?? 50 });
        const more = detail.next_cursor ? `\n(more calls follow: ask again with a larger limit, up to 500)\n` : '';
        return text(renderConversation(detail, PLAIN, 160) + more);
      }),
  );
}

function pick(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, o[k] ?? null]));
}
