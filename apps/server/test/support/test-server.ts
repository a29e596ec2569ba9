import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage } from '@sightline/storage';
import { openClickHouseStorage } from '@sightline/storage-clickhouse';
import { SqliteStorage } from '@sightline/storage-sqlite';
import { silentLogger } from '../../src/log.js';
import { type RunningServer, type ServerOptions, startServer } from '../../src/server.js';

export interface TestServer {
  readonly server: RunningServer;
  /** http://127.0.0.1:<api port> */
  readonly api: string;
  /** http://127.0.0.1:<otlp-http port> */
  readonly otlpHttp: string;
  /** 127.0.0.1:<grpc port> */
  readonly grpc: string;
  readonly dbPath: string;
  stop(): Promise<void>;
}

/**
 * The store tests run on when they name none: a fresh SQLite file, or with
 * `SIGHTLINE_TEST_STORAGE=clickhouse` (see vitest.clickhouse.config.ts) a fresh ClickHouse
 * (chdb, in-process) in `dir`.
 */
export async function defaultTestStorage(dir: string): Promise<Storage> {
  if (process.env.SIGHTLINE_TEST_STORAGE === 'clickhouse') return openClickHouseStorage({ chdbPath: join(dir, 'clickhouse') });
  return new SqliteStorage({ path: join(dir, 'sightline.db') });
}

/** A real server on free ports with a fresh store (see {@link defaultTestStorage}), or the given store. */
export async function startTestServer(options: Partial<ServerOptions> & { storage?: Storage } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-test-'));
  const dbPath = join(dir, 'sightline.db');
  const server = await startServer({
    storage: options.storage ?? (await defaultTestStorage(dir)),
    port: 0,
    grpcPort: 0,
    otlpHttpPort: 0,
    logger: silentLogger,
    ...options,
  });
  return {
    server,
    api: `http://127.0.0.1:${server.ports.api}`,
    otlpHttp: `http://127.0.0.1:${server.ports.otlpHttp}`,
    grpc: `127.0.0.1:${server.ports.grpc}`,
    dbPath,
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The JSON body of a response, untyped (tests check its shape). */
export async function json(res: Response): Promise<any> {
  return res.json();
}

/** GET a JSON API path; returns status and parsed body. */
export async function getJson(base: string, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path);
  return { status: res.status, body: await res.json() };
}

/** POST a JSON body; returns status and parsed body. */
export async function postJson(base: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** Makes an API key of `project` (and the project when new) with an admin key; returns the whole key and its id. */
export async function makeKey(base: string, adminKey: string, project: string): Promise<{ key: string; id: string }> {
  const res = await fetch(`${base}/api/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ project }),
  });
  if (res.status !== 201) throw new Error(`making a key of ${project}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { key: string; id: string };
}
