import { resolve } from 'node:path';
import { PriceFileError } from '@sightline/core';
import {
  consoleLogger,
  DEFAULT_DB_PATH,
  damageAdvice,
  isLoopback,
  type Listener,
  openStorage,
  PortInUseError,
  type Pricing,
  type StorageKind,
  startServer,
  VERSION,
  WebUi,
} from '@sightline/server';
import { StorageDamagedError } from '@sightline/storage';
import { DatabaseInUseError } from '@sightline/storage-sqlite';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parsePort, parsePositiveInt } from './options.js';

interface ServeOptions {
  port: number;
  grpcPort: number;
  otlpHttpPort: number;
  host: string;
  db: string;
  storage: StorageKind;
  memoryCapacity: number;
  prices?: string;
  llmCalls: boolean;
  searchIndex: boolean;
  publicUrl?: string;
  corsOrigin?: string[];
  insecure?: boolean;
}

const FLAG_OF: Record<Listener, string> = {
  api: '--port or SIGHTLINE_PORT',
  grpc: '--grpc-port or SIGHTLINE_GRPC_PORT',
  'otlp-http': '--otlp-http-port or SIGHTLINE_OTLP_HTTP_PORT',
};

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
      new Option('--storage <kind>', 'where data is kept').env('SIGHTLINE_STORAGE').choices(['sqlite', 'memory']).default('sqlite'),
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
      new Option('--insecure', 'listen beyond loopback although no key is asked for (anyone who reaches the port reads everything)').env(
        'SIGHTLINE_INSECURE',
      ),
    )
    .action(async (opts: ServeOptions) => {
      await serve(opts);
    });
}

async function serve(opts: ServeOptions): Promise<void> {
  const logger = consoleLogger();
  const exposed = !isLoopback(opts.host);
  if (exposed && !opts.insecure) {
    process.stderr.write(
      `error: --host ${opts.host} listens beyond this machine, and Sightline does not ask for keys yet: anyone who reaches the port would read every prompt and answer. Keep it on 127.0.0.1 (put your own access control in front), or start it with --insecure if that is what you want.\n(run "sightline serve --help" for usage)\n`,
    );
    process.exit(2);
  }
  const dbPath = resolve(opts.db);
  let storage: ReturnType<typeof openStorage>;
  try {
    storage = openStorage({ kind: opts.storage, path: dbPath, memoryCapacity: opts.memoryCapacity, logger, searchIndex: opts.searchIndex });
  } catch (err) {
    if (err instanceof DatabaseInUseError) fail(`${err.message}; stop it or choose another with --db`);
    if (err instanceof StorageDamagedError) fail(damageAdvice(err.message));
    fail(`cannot open the database ${dbPath}: ${(err as Error).message}`);
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      storage,
      host: opts.host,
      port: opts.port,
      grpcPort: opts.grpcPort,
      otlpHttpPort: opts.otlpHttpPort,
      logger,
      llmCalls: opts.llmCalls,
      pricesFile: opts.prices === undefined ? null : resolve(opts.prices),
      publicUrl: opts.publicUrl ?? null,
      corsOrigins: opts.corsOrigin ?? [],
    });
  } catch (err) {
    if (err instanceof PortInUseError) {
      fail(
        `port ${err.port} on ${err.host} is already in use (is another Sightline running?). Choose another with ${FLAG_OF[err.listener]}.`,
      );
    }
    if (err instanceof PriceFileError) fail(err.message);
    fail(`cannot start: ${(err as Error).message}`);
  }
  if (exposed)
    logger.warn(`listening on ${opts.host} with no keys (--insecure): anyone who reaches these ports reads every prompt and answer`);
  const url = (port: number) => `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`;
  process.stderr.write(
    [
      `Sightline ${VERSION}`,
      `  Web UI           ${WebUi.installed().available ? `${url(server.ports.api)}/` : 'not built (run `npm run build` in the repository)'}`,
      `  API + OTLP/HTTP  ${url(server.ports.api)}   (OpenAPI: ${url(server.ports.api)}/api/openapi.json)`,
      `  OTLP/HTTP        ${url(server.ports.otlpHttp)}/v1/traces`,
      `  OTLP/gRPC        ${opts.host}:${server.ports.grpc}`,
      `  Storage          ${opts.storage === 'sqlite' ? `SQLite ${dbPath}` : `memory (last ${opts.memoryCapacity} spans)`}`,
      `  LLM calls        ${opts.llmCalls ? describePrices(server.pricing) : 'off (--no-llm-calls)'}`,
      `  Text search      ${storage.reader.capabilities.textSearch ? 'on' : 'off (--no-search-index)'}`,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: finishing in-flight requests and committing accepted data`);
    server.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err) => {
        logger.error('shutdown failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function describePrices(pricing: Pricing): string {
  const p = pricing.describe();
  const builtin = `${p.builtin.models.toLocaleString('en-US')} built-in model prices (as of ${p.builtin.as_of})`;
  return p.overrides ? `${builtin} + ${p.overrides.models} from ${p.overrides.file}` : builtin;
}

function fail(message: string): never {
  process.stderr.write(`sightline: ${message}\n`);
  process.exit(1);
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
  const origins = value
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
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
