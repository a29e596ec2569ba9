import { type Command, InvalidArgumentError, Option } from 'commander';

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
  since: () => new Option('--since <time>', 'from then on: a duration before now (15m, 2h, 7d) or an ISO-8601 time').argParser(parseTime),
  until: () => new Option('--until <time>', 'before then (same forms as --since)').argParser(parseTime),
  service: () => new Option('--service <name>', 'only this service (service.name)'),
  model: () => new Option('--model <model>', 'only this model (requested or served)'),
  provider: () => new Option('--provider <provider>', 'only this provider (openai, anthropic, gcp.gemini, …)'),
  session: () => new Option('--session <id>', 'only this session'),
  user: () => new Option('--user <id>', 'only this user'),
  errors: () => new Option('--errors', 'only failures'),
  search: () => new Option('-q, --search <text>', 'free-text search in names, attributes, prompts and completions'),
  limit: () => new Option('--limit <n>', 'rows to show, 1 to 1000 (default 50)').argParser(parseLimit),
};

/** Adds the named filters, and (unless told not to) `--json`, to a command. */
export function withFilters(command: Command, names: readonly FilterName[], json = true): Command {
  for (const name of names) command.addOption(OPTIONS[name]());
  return json ? command.option('--json', 'print the API’s JSON instead of a table') : command;
}

/** A time as the API takes it: a duration before now (`15m`, `2h`, `7d`, `1w`, `90s`) or an ISO-8601 time. */
export function parseTime(value: string): string {
  if (/^\d+(\.\d+)?(s|m|h|d|w)$/.test(value) || (/^\d{4}-\d\d-\d\d/.test(value) && !Number.isNaN(Date.parse(value)))) return value;
  throw new InvalidArgumentError('must be a duration before now such as 15m, 2h or 7d, or an ISO-8601 time such as 2026-12-04T10:00:00Z.');
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 1000) throw new InvalidArgumentError('must be a whole number from 1 to 1000.');
  return n;
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
  if (o.limit !== undefined) q.set('limit', String(o.limit));
  return q;
}
