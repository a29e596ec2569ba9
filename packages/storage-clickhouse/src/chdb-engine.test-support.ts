import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll } from 'vitest';
import { connectClickHouse } from './connect.js';
import { migrate } from './schema/migrations.js';

/** A test file's in-process ClickHouse, and a way to empty its tables between tests. */
export interface ChdbEngine {
  /** The engine's client (once the file's tests have begun). */
  readonly client: ClickHouseClient;
  /** Truncates `tables`. */
  empty(tables: readonly string[]): Promise<void>;
}

/**
 * One in-process ClickHouse (chdb) for a test file — chdb keeps one engine per process —
 * migrated before its tests, closed and its folder removed after them.
 */
export function chdbEngine(name: string): ChdbEngine {
  let dir = '';
  let client: ClickHouseClient | null = null;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `sightline-clickhouse-${name}-`));
    client = await connectClickHouse({ chdbPath: join(dir, 'data') });
    await migrate(client);
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get client() {
      if (client === null) throw new Error('the engine starts with the first test');
      return client;
    },
    async empty(tables) {
      for (const table of tables) await this.client.command({ query: `TRUNCATE TABLE ${table}` });
    },
  };
}
