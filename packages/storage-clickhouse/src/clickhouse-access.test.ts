import type { Storage } from '@sightline/storage';
import { describeAccessConformance } from '@sightline/storage/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { chdbEngine } from './chdb-engine.test-support.js';
import { ClickHouseAccess } from './clickhouse-access.js';

/** Projects, keys, usage and audit on a real ClickHouse engine (chdb): the same conformance suite as SQLite and memory. */
const engine = chdbEngine('access');
beforeEach(() => engine.empty(['project_settings', 'api_keys', 'usage_days', 'audit_log']));

describeAccessConformance(() => ({ kind: 'clickhouse', access: new ClickHouseAccess(engine.client) }) as unknown as Storage);

describe('API keys on ClickHouse', () => {
  it('keep a revocation when a last-used time read before it is written after it', async () => {
    const access = new ClickHouseAccess(engine.client);
    const key = { id: 'race1', project: 'shop', name: null, hash: 'h', createdAtMs: 1000, lastUsedAtMs: null, revokedAtMs: null };
    await access.addKey(key);
    // What a collector's touch read before another revoked the key, written after the revocation.
    const stale = await access.findKey('race1');
    expect(await access.revokeKey('race1', 2000)).toBe(true);
    await engine.client.insert({
      table: 'api_keys',
      values: [
        {
          id: 'race1',
          project: 'shop',
          name: null,
          hash: 'h',
          created_at_ms: stale?.createdAtMs,
          last_used_at_ms: 3000,
          revoked_at_ms: null,
          version: Number.MAX_SAFE_INTEGER,
        },
      ],
      format: 'JSONEachRow',
    });
    await engine.client.command({ query: 'OPTIMIZE TABLE api_keys FINAL' });
    expect(await access.findKey('race1')).toMatchObject({ revokedAtMs: 2000, lastUsedAtMs: 3000 });
    expect((await access.listKeys('shop')).find((k) => k.id === 'race1')?.revokedAtMs).toBe(2000);
  });
});
