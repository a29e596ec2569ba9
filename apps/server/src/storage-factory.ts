import { homedir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage, type Storage } from '@sightline/storage';
import { SqliteStorage } from '@sightline/storage-sqlite';
import type { Logger } from './log.js';
import { damageAdvice } from './storage-damage.js';

export type StorageKind = 'sqlite' | 'memory';

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
}

export const DEFAULT_DB_PATH = join(homedir(), '.sightline', 'sightline.db');

export function openStorage(options: StorageOptions): Storage {
  if (options.kind === 'memory') return new MemoryStorage({ capacity: options.memoryCapacity });
  const logger = options.logger;
  return new SqliteStorage({
    path: options.path ?? DEFAULT_DB_PATH,
    searchIndex: options.searchIndex,
    onWriterRestart: (reason) => logger?.warn(`the SQLite writer thread stopped (${reason}); started a new one and retrying its work`),
    onDamage: (damage) => logger?.error(damageAdvice(damage.message)),
  });
}
