import { Command } from 'commander';
import { apiKeyOption, projectOption, serverUrlOption } from '../server-client.js';
import { type CallDetail, renderCall } from './call-view.js';
import { outputStyle } from './output.js';
import { getApi, printJson } from './query-client.js';
import { renderConversation, type SessionDetail } from './session-view.js';
import type { TreeCall } from './trace-tree.js';
import { renderTrace, type TraceDetail } from './trace-view.js';

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
    .addOption(apiKeyOption())
    .addOption(projectOption())
    .option('--json', 'print the API’s JSON (the trace and its spans) instead of the tree')
    .action(async (traceId: string, o: { url: string; json?: boolean }) => {
      if (!HEX32.test(traceId)) usageError('trace', `"${traceId}" is not a trace id (32 hex characters)`);
      const detail = await getApi<TraceDetail>(o.url, `/api/traces/${traceId.toLowerCase()}`);
      if (o.json) return printJson(detail);
      const q = new URLSearchParams({ trace_id: traceId.toLowerCase(), limit: '1000' });
      const calls = (await getApi<{ data: TreeCall[] }>(o.url, '/api/llm-calls', q)).data;
      const { style, width } = outputStyle();
      process.stdout.write(renderTrace(detail, calls, style, width));
    });
}

/** `sightline session ID`: a conversation, turn by turn. */
export function sessionCommand(): Command {
  return new Command('session')
    .description(
      'Show one session as a conversation, turn by turn: what was asked, what came back, with each call’s model, tokens and cost',
    )
    .argument('<session-id>', 'the session id')
    .addOption(serverUrlOption())
    .addOption(apiKeyOption())
    .addOption(projectOption())
    .option('--json', 'print the API’s JSON instead of the conversation')
    .action(async (sessionId: string, o: { url: string; json?: boolean }) => {
      const detail = await getApi<SessionDetail>(
        o.url,
        `/api/sessions/${encodeURIComponent(sessionId)}`,
        new URLSearchParams({ limit: '1000' }),
      );
      if (o.json) return printJson(detail);
      const { style, width } = outputStyle();
      process.stdout.write(renderConversation(detail, style, width));
      if (detail.next_cursor) process.stderr.write('(the first 1,000 calls are shown; the rest with --json and the API’s cursor)\n');
    });
}

const HEX16 = /^[0-9a-fA-F]{16}$/;

/** `sightline call SPAN_ID`: one LLM call in full. */
export function callCommand(): Command {
  return new Command('call')
    .description('Show one LLM call in full: model, tokens, timing, cost and its source, parameters, and its messages in and out')
    .argument('<span-id>', 'the call’s span id (16 hex characters; `sightline calls` lists them)')
    .addOption(serverUrlOption())
    .addOption(apiKeyOption())
    .addOption(projectOption())
    .option('--json', 'print the API’s JSON instead')
    .action(async (spanId: string, o: { url: string; json?: boolean }) => {
      if (!HEX16.test(spanId)) usageError('call', `"${spanId}" is not a span id (16 hex characters)`);
      const call = await getApi<CallDetail>(o.url, `/api/llm-calls/${spanId.toLowerCase()}`);
      if (o.json) return printJson(call);
      const { style, width } = outputStyle();
      process.stdout.write(renderCall(call, style, width));
    });
}
