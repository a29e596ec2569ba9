import { type Command, Option } from 'commander';
import { parsePositiveInt } from '../options.js';

/** The filters the list commands share, as commander parsed them. */
export interface FilterOptions {
  url: string;
  since?: string;
  until?: string;
  service?: string;
  model?: string;
  provider?: string;
  session?: string;
  user?: string;
  errors?: boolean;
  search?: string;
  limit?: number;
  json?: boolean;
}

type FilterName = 'since' | 'until' | 'service' | 'model' | 'provider' | 'session' | 'user' | 'errors' | 'search' | 'limit';

const OPTIONS: Record<FilterName, () => Option> = {
  since: () => new Option('--since <time>', 'from then on: a duration before now (15m, 2h, 7d) or an ISO-8601 time'),
  until: () => new Option('--until <time>', 'before then (same forms as --since)'),
  service: () => new Option('--service <name>', 'only this service (service.name)'),
  model: () => new Option('--model <model>', 'only this model (requested or served)'),
  provider: () => new Option('--provider <provider>', 'only this provider (openai, anthropic, gcp.gemini, …)'),
  session: () => new Option('--session <id>', 'only this session'),
  user: () => new Option('--user <id>', 'only this user'),
  errors: () => new Option('--errors', 'only failures'),
  search: () => new Option('-q, --search <text>', 'free-text search in names, attributes, prompts and completions'),
  limit: () => new Option('--limit <n>', 'rows to show (at most 1000)').argParser(parsePositiveInt),
};

/** Adds the named filters, and `--json`, to a command. */
export function withFilters(command: Command, names: readonly FilterName[]): Command {
  for (const name of names) command.addOption(OPTIONS[name]());
  return command.option('--json', 'print the API’s JSON instead of a table');
}

/** The API query parameters of the filters given. */
export function filterParams(o: FilterOptions, status: 'status' | 'none' = 'status'): URLSearchParams {
  const q = new URLSearchParams();
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) q.set(name, value);
  };
  set('start', o.since);
  set('end', o.until);
  set('service', o.service);
  set('model', o.model);
  set('provider', o.provider);
  set('session_id', o.session);
  set('user_id', o.user);
  if (o.errors && status === 'status') q.set('status', 'error');
  set('q', o.search);
  if (o.limit !== undefined) q.set('limit', String(Math.min(o.limit, 1000)));
  return q;
}
