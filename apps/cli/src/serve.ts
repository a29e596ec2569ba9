import { resolve } from 'node:path';
import { PriceFileError } from '@sightline/core';
import {
  type AuthMode,
  authModeOf,
  CLICKHOUSE_WHERE,
  consoleLogger,
  damageAdvice,
  isLoopback,
  type Listener,
  openStorage,
  PortInUseError,
  type Pricing,
  startServer,
  VERSION,
  WebUi,
} from '@sightline/server';
import { type Storage, StorageDamagedError } from '@sightline/storage';
import { DatabaseInUseError } from '@sightline/storage-sqlite';
import type { ServeOptions } from './serve-command.js';

const FLAG_OF: Record<Listener, string> = {
  api: '--port or SIGHTLINE_PORT',
  grpc: '--grpc-port or SIGHTLINE_GRPC_PORT',
  'otlp-http': '--otlp-http-port or SIGHTLINE_OTLP_HTTP_PORT',
};

/** Runs the server with the flags given; stops it on SIGINT / SIGTERM. */
export async function serve(opts: ServeOptions): Promise<void> {
  const logger = consoleLogger();
  const exposed = !isLoopback(opts.host);
  const mode = authModeOf(opts.auth, opts.host);
  if (exposed && mode === 'off' && !opts.insecure) {
    process.stderr.write(
      `error: --host ${opts.host} listens beyond this machine with --auth off: anyone who reaches the port would read every prompt and answer. Leave --auth at auto (keys are then required), or add --insecure if that is what you want.\n(run "sightline serve --help" for usage)\n`,
    );
    process.exit(2);
  }
  const adminKey = process.env.SIGHTLINE_ADMIN_KEY || null;
  const dbPath = resolve(opts.db);
  if (opts.storage === 'clickhouse' && !opts.clickhouseUrl && !opts.clickhousePath) usageError(CLICKHOUSE_WHERE);
  if (opts.clickhouseCluster && !opts.clickhouseUrl)
    usageError('--clickhouse-cluster needs --clickhouse-url: a cluster is reached through one of its servers');
  const clickhousePath = opts.clickhousePath === undefined ? undefined : resolve(opts.clickhousePath);
  let storage: Storage;
  try {
    storage = await openStorage({
      kind: opts.storage,
      path: dbPath,
      memoryCapacity: opts.memoryCapacity,
      logger,
      searchIndex: opts.searchIndex,
      clickhouseUrl: opts.clickhouseUrl,
      clickhousePath,
      clickhouseCluster: opts.clickhouseCluster,
    });
  } catch (err) {
    if (err instanceof DatabaseInUseError) fail(`${err.message}; stop it or choose another with --db`);
    if (err instanceof StorageDamagedError) fail(damageAdvice(err.message));
    if (opts.storage === 'clickhouse') fail(`cannot open ${describeStore({ ...opts, clickhousePath }, dbPath)}: ${(err as Error).message}`);
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
      auth: opts.auth,
      adminKey,
      retentionDays: opts.retention ?? null,
      redact: opts.redact ?? [],
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
  if (exposed && mode === 'off')
    logger.warn(
      `listening on ${opts.host} with no keys (--auth off --insecure): anyone who reaches these ports reads every prompt and answer`,
    );
  const url = (port: number) => `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`;
  // Before the banner: whoever reads it may stop the server at once, and must get a clean stop.
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
  process.stderr.write(
    [
      `Sightline ${VERSION}`,
      `  Web UI           ${WebUi.installed().available ? `${url(server.ports.api)}/` : 'not built (run `npm run build` in the repository)'}`,
      // Scripts read the address before "(OpenAPI": the line keeps that form, the path on the same origin.
      `  API + OTLP/HTTP  ${url(server.ports.api)}   (OpenAPI: /api/openapi.json)`,
      `  OTLP/HTTP        ${url(server.ports.otlpHttp)}/v1/traces`,
      `  OTLP/gRPC        ${opts.host}:${server.ports.grpc}`,
      `  Storage          ${describeStore({ ...opts, clickhousePath }, dbPath)}`,
      `  LLM calls        ${opts.llmCalls ? describePrices(server.pricing) : 'off (--no-llm-calls)'}`,
      `  Text search      ${storage.reader.capabilities.textSearch ? 'on' : 'off (--no-search-index)'}`,
      `  API keys         ${describeAuth(mode, opts.auth, adminKey !== null)}`,
      `  Retention        ${opts.retention ? `${opts.retention} days (projects may set their own)` : 'keep everything (--retention 30d to expire; per project too)'}`,
      ...(opts.redact?.length ? [`  Redaction        ${opts.redact.join(', ')} (in projects without rules of their own)`] : []),
      '',
      // In the same write as the banner: whoever reads the banner reads the key with it.
      ...(server.createdAdminKey
        ? [
            'An admin key was made. It is shown this once and stored only as a hash:',
            '',
            `    ${server.createdAdminKey}`,
            '',
            'Use it to log in to the web UI and to make project keys:',
            `    SIGHTLINE_API_KEY=<the key> sightline keys create --project my-app --url ${url(server.ports.api)}`,
            '',
          ]
        : []),
    ].join('\n'),
  );
}

/** Where data is kept, for the banner and errors: never a password in a ClickHouse address. */
function describeStore(opts: ServeOptions, dbPath: string): string {
  if (opts.storage === 'sqlite') return `SQLite ${dbPath}`;
  if (opts.storage === 'memory') return `memory (last ${opts.memoryCapacity} spans)`;
  if (opts.clickhouseUrl) {
    const url = new URL(opts.clickhouseUrl);
    if (url.password) url.password = '***';
    return `ClickHouse ${url.toString()}${opts.clickhouseCluster ? ` (cluster ${opts.clickhouseCluster})` : ''}`;
  }
  return `ClickHouse in-process (chdb) ${opts.clickhousePath}`;
}

/** The banner's API keys line: what is asked, then what that means, on a line of its own (80 columns). */
function describeAuth(mode: AuthMode, setting: string, envAdmin: boolean): string {
  const more = (text: string) => `\n${' '.repeat(BANNER_INDENT)}${text}`;
  const admin = envAdmin ? more('admin key from SIGHTLINE_ADMIN_KEY') : '';
  if (mode === 'off') return `off (--auth off)${more('every request acts in the default project')}`;
  if (mode === 'optional')
    return `optional on loopback (--auth ${setting})${more('a request without a key acts in the default project')}${admin}`;
  return `required (--auth ${setting})${more('every request presents a key')}${admin}`;
}

/** Where the banner's values start: after two spaces and a 17-column label. */
const BANNER_INDENT = 19;

function describePrices(pricing: Pricing): string {
  const p = pricing.describe();
  const builtin = `${p.builtin.models.toLocaleString('en-US')} built-in model prices (as of ${p.builtin.as_of})`;
  return p.overrides ? `${builtin} + ${p.overrides.models} from ${p.overrides.file}` : builtin;
}

/** A command line that cannot work: says why and where usage is, exits 2 (as for any bad flag). */
function usageError(message: string): never {
  process.stderr.write(`error: ${message}\n(run "sightline serve --help" for usage)\n`);
  process.exit(2);
}

function fail(message: string): never {
  process.stderr.write(`sightline: ${message}\n`);
  process.exit(1);
}
