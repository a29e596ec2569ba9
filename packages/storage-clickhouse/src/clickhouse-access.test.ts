import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Storage } from '@sightline/storage';
import { describeAccessConformance } from '@sightline/storage/testing';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ClickHouseAccess } from './clickhouse-access.js';
import { connectClickHouse } from './connect.js';
import { migrate } from './schema/migrations.js';

/** Projects, keys, usage and audit on a real ClickHouse engine (chdb): the same conformance suite as SQLite and memory. */
let dir: string;
let client: ClickHouseClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sightline-clickhouse-access-'));
  client = await connectClickHouse({ chdbPath: join(dir, 'data') });
  await migrate(client);
}, 60_000);
beforeEach(async () => {
  for (const table of ['project_settings', 'api_keys', 'usage_days', 'audit_log'])
    await client.command({ query: `TRUNCATE TABLE ${table}` });
});
afterAll(async () => {
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
});

describeAccessConformance(() => ({ kind: 'clickhouse', access: new ClickHouseAccess(client) }) as unknown as Storage);
