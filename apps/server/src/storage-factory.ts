import { homedir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage, type Storage } from '@sightline/storage';
import { openClickHouseStorage } from '@sightline/storage-clickhouse';
import { SqliteStorage } from '@sightline/storage-sqlite';
import type { Logger } from './log.js';
import { damageAdvice } from './storage-damage.js';

export type StorageKind = 'sqlite' | 'memory' | 'clickhouse';

export interface StorageOptions {
  readonly kind: StorageKind;
  /** SQLite file (default `~/.sightline/sightline.db`). */
  readonly path?: string;
  /** Memory backend: spans kept (default 100,000). */
  readonly memoryCapacity?: number;
  /** Where the store reports trouble: what it recovers from (a writer thread replaced), damage it finds (once). */
  readonly logger?: Logger;
  /** SQLite: index spans' text for free-text search (default true; see `SqliteStorageOptions.searchIndex`). */
  readonly searchIndex?: boolean;
  /** ClickHouse: a server's HTTP address (`http://user:password@host:8123/database`). */
  readonly clickhouseUrl?: string;
  /** ClickHouse: the cluster the tables are replicated and distributed over (see `clusterStatements`). */
  readonly clickhouseCluster?: string;
  /** ClickHouse in-process (the npm package chdb): the folder its data is kept in. */
  readonly clickhousePath?: string;
}

/** Why a ClickHouse store was asked for without saying where. */
export const CLICKHOUSE_WHERE =
  '--storage clickhouse needs --clickhouse-url http://host:8123 (a server or cluster) or --clickhouse-path DIR (in-process, the npm package chdb)';

export const DEFAULT_DB_PATH = join(homedir(), '.sightline', 'sightline.db');

/** Opens the store asked for; a ClickHouse one is connected to and its schema brought up to date first. */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  const logger = options.logger;
  if (options.kind === 'memory') return new MemoryStorage({ capacity: options.memoryCapacity });
  if (options.kind === 'clickhouse') {
    const rollups = {
      onRollupError: (err: unknown) => logger?.warn(`rolling up metrics failed; tried again shortly (${(err as Error).message})`),
    };
    if (options.clickhouseUrl)
      return openClickHouseStorage({ url: options.clickhouseUrl }, { cluster: options.clickhouseCluster }, rollups);
    if (options.clickhousePath) return openClickHouseStorage({ chdbPath: options.clickhousePath }, {}, rollups);
    throw new Error(CLICKHOUSE_WHERE);
  }
  return new SqliteStorage({
    path: options.path ?? DEFAULT_DB_PATH,
    searchIndex: options.searchIndex,
    onWriterRestart: (reason) => logger?.warn(`the SQLite writer thread stopped (${reason}); started a new one and retrying its work`),
    onDamage: (damage) => logger?.error(damageAdvice(damage.message)),
  });
}
