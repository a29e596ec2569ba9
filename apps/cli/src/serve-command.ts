import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseClusterName } from './clickhouse-schema-command.js';
import { parseDays, parsePort, parsePositiveInt, parseRedactRules, splitList } from './options.js';

/** Where `serve` and `check` keep and look for the database by default (as the server package says). */
export const DEFAULT_DB_PATH = join(homedir(), '.sightline', 'sightline.db');

/** What `sightline serve`'s flags give (see serve.ts for what is done with them). */
export interface ServeOptions {
  port: number;
  grpcPort: number;
  otlpHttpPort: number;
  host: string;
  db: string;
  storage: 'sqlite' | 'memory' | 'clickhouse';
  clickhouseUrl?: string;
  clickhousePath?: string;
  clickhouseCluster?: string;
  memoryCapacity: number;
  prices?: string;
  llmCalls: boolean;
  searchIndex: boolean;
  publicUrl?: string;
  corsOrigin?: string[];
  insecure?: boolean;
  auth: 'on' | 'off' | 'auto';
  retention?: number;
  redact?: string[];
}

/** `sightline serve`: every receiver, the API and the store in one process. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('Run Sightline: OTLP receivers (gRPC and HTTP), the query API and the store')
    .addOption(
      new Option('--port <port>', 'port for the UI, the API and OTLP/HTTP').env('SIGHTLINE_PORT').default(4800).argParser(parsePort),
    )
    .addOption(new Option('--grpc-port <port>', 'port for OTLP/gRPC').env('SIGHTLINE_GRPC_PORT').default(4317).argParser(parsePort))
    .addOption(
      new Option('--otlp-http-port <port>', 'port for OTLP/HTTP only').env('SIGHTLINE_OTLP_HTTP_PORT').default(4318).argParser(parsePort),
    )
    .addOption(new Option('--host <address>', 'interface to listen on (0.0.0.0 for all)').env('SIGHTLINE_HOST').default('127.0.0.1'))
    .addOption(new Option('--db <path>', 'SQLite database file').env('SIGHTLINE_DB').default(DEFAULT_DB_PATH))
    .addOption(
      new Option('--storage <kind>', 'where data is kept')
        .env('SIGHTLINE_STORAGE')
        .choices(['sqlite', 'memory', 'clickhouse'])
        .default('sqlite'),
    )
    .addOption(
      new Option('--clickhouse-url <url>', 'the ClickHouse server for --storage clickhouse, as http://user:password@host:8123/database')
        .env('SIGHTLINE_CLICKHOUSE_URL')
        .argParser(parseClickHouseUrl),
    )
    .addOption(
      new Option('--clickhouse-cluster <name>', 'with --clickhouse-url: the tables are replicated and distributed over this cluster')
        .env('SIGHTLINE_CLICKHOUSE_CLUSTER')
        .argParser(parseClusterName),
    )
    .addOption(
      new Option(
        '--clickhouse-path <dir>',
        'for --storage clickhouse without a server: ClickHouse in-process (npm package chdb), data in DIR',
      ).env('SIGHTLINE_CLICKHOUSE_PATH'),
    )
    .addOption(
      new Option('--memory-capacity <spans>', 'spans the memory store keeps (oldest dropped first)')
        .env('SIGHTLINE_MEMORY_CAPACITY')
        .default(100_000)
        .argParser(parsePositiveInt),
    )
    .addOption(
      new Option('--prices <file>', 'price overrides (JSON or YAML, USD per 1M tokens) that win over the built-in prices').env(
        'SIGHTLINE_PRICES',
      ),
    )
    .addOption(new Option('--no-llm-calls', 'store spans only: do not read LLM calls from them').env('SIGHTLINE_NO_LLM_CALLS'))
    .addOption(
      new Option('--no-search-index', 'do not index span text: less CPU per span, and no free-text search (q=)').env(
        'SIGHTLINE_NO_SEARCH_INDEX',
      ),
    )
    .addOption(
      new Option('--public-url <url>', 'the address people open the UI by, when not a loopback one (its host name is accepted)')
        .env('SIGHTLINE_PUBLIC_URL')
        .argParser(parsePublicUrl),
    )
    .addOption(
      new Option('--cors-origin <origins>', 'origins (comma-separated) whose pages may call the API; none by default')
        .env('SIGHTLINE_CORS_ORIGIN')
        .argParser(parseOrigins),
    )
    .addOption(
      new Option('--auth <mode>', 'API keys: on (always required), off (never asked for), auto (required when listening beyond loopback)')
        .env('SIGHTLINE_AUTH')
        .choices(['on', 'off', 'auto'])
        .default('auto'),
    )
    .addOption(
      new Option('--retention <days>', 'delete traces older than this (30d), in projects that set no retention of their own; default: keep')
        .env('SIGHTLINE_RETENTION')
        .argParser(parseDays),
    )
    .addOption(
      new Option(
        '--redact <rules>',
        'redact before storing, in projects that set no rules of their own: email, api-key, card-number, phone (comma-separated)',
      )
        .env('SIGHTLINE_REDACT')
        .argParser(parseRedactRules),
    )
    .addOption(
      new Option('--insecure', 'with --auth off, listen beyond loopback anyway (anyone who reaches the port reads everything)').env(
        'SIGHTLINE_INSECURE',
      ),
    )
    .addHelpText(
      'after',
      `
Keys: SIGHTLINE_ADMIN_KEY sets an admin key of your own (16 characters or more);
without it, a server that requires keys makes one at its first start and prints
it once. Make project keys with "sightline keys create --project NAME".`,
    )
    .action(async (opts: ServeOptions) => {
      // The server is loaded only to run it: the other commands start faster without it.
      const { serve } = await import('./serve.js');
      await serve(opts);
    });
}

function parseClickHouseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an http(s) address such as http://localhost:8123');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError('expected an http(s) address such as http://localhost:8123');
  return value;
}

function parsePublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a URL; give the address people open, such as https://sightline.example.com.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError(`"${value}" is not an http:// or https:// address.`);
  return url.origin;
}

function parseOrigins(value: string): string[] {
  const origins = splitList(value);
  for (const o of origins) {
    let url: URL | null = null;
    try {
      url = new URL(o);
    } catch {}
    if (!url || url.origin !== o.replace(/\/+$/, ''))
      throw new InvalidArgumentError(`"${o}" is not an origin such as https://app.example.com (scheme, host and port only).`);
  }
  return origins;
}
