import { Command, Option } from 'commander';
import { parseTime } from '../query/filter-options.js';
import { apiKeyOption, fail, projectOption, serverUrlOption } from '../server-client.js';

/** What `sightline tail`'s flags give. */
export interface TailOptions {
  url: string;
  since?: string;
  model?: string;
  provider?: string;
  session?: string;
  service?: string;
  errors?: boolean;
  json?: boolean;
}

/** `sightline tail`: a live console of the LLM calls a running server receives. */
export function tailCommand(): Command {
  return new Command('tail')
    .description('A live console of every LLM call a running Sightline server receives (JSON lines when not on a terminal)')
    .addOption(serverUrlOption())
    .addOption(apiKeyOption())
    .addOption(projectOption())
    .addOption(
      new Option('--since <time>', 'start with the calls since then: a duration before now (15m, 1h, 2d) or an ISO-8601 time').argParser(
        parseTime,
      ),
    )
    .option('--model <model>', 'only calls of this model (requested or served)')
    .option('--provider <provider>', 'only calls to this provider (openai, anthropic, gcp.gemini, …)')
    .option('--session <id>', 'only calls of this session')
    .option('--service <name>', 'only calls from this service (service.name)')
    .option('--errors', 'only failed calls')
    .option('--json', 'write each call as a JSON line, even on a terminal')
    .addHelpText(
      'after',
      `
On a terminal it is full screen: the latest call, totals since start (errors split 4xx / 5xx /
client-side, cost, tokens, latency and TTFT percentiles, sessions), a rollup by model, route
shares, and the recent calls. Latency is green under 2 s, yellow under 10 s, red above; TTFT
green under 500 ms, yellow under 2 s. "—" means unknown. q quits. NO_COLOR turns colour off.
Elsewhere (a pipe, a file) each call is one JSON line, as GET /api/llm-calls gives it.
It reconnects by itself when the server restarts.

Examples:
  sightline tail
  sightline tail --since 1h --provider anthropic
  sightline tail --errors --json | jq .error_type`,
    )
    .action(async (opts: TailOptions) => {
      const filters = new URLSearchParams();
      if (opts.model) filters.set('model', opts.model);
      if (opts.provider) filters.set('provider', opts.provider);
      if (opts.session) filters.set('session_id', opts.session);
      if (opts.service) filters.set('service', opts.service);
      if (opts.errors) filters.set('status', 'error');
      const fullScreen = process.stdout.isTTY === true && !opts.json;
      const { LiveRefusedError, tailLines, tailScreen } = await import('./tail-run.js');
      try {
        if (fullScreen) await tailScreen(opts, filters);
        else await tailLines(opts, filters);
      } catch (err) {
        if (err instanceof LiveRefusedError) fail(err.message);
        throw err;
      }
    });
}
