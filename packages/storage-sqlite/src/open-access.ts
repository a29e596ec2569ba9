import type { AccessStore } from '@sightline/storage';
import { DatabaseInUseError, type DatabaseLock } from './database-lock.js';
import { holdDatabase } from './hold-database.js';
import { openConnection } from './open-database.js';
import { migrate, SCHEMA_VERSION } from './schema/migrations.js';
import { SqliteAccess } from './sqlite-access.js';

/** Projects and keys of a database file, opened beside whatever else uses it. */
export interface OpenedAccess {
  readonly access: AccessStore;
  close(): void;
}

/**
 * Opens the projects and keys of the database at `path` on a connection of its own, whether or
 * not a server runs on it (`sightline keys create --db`): WAL lets both read, and this one's rare
 * writes wait their turn between the server's commits. A database that is new or older than
 * this Sightline is brought up to date first, which only a holder may do: when a server holds
 * it and has not, that server is an older Sightline and must be upgraded.
 */
export function openAccess(path: string): OpenedAccess {
  const db = openConnection({ path });
  try {
    // An up-to-date database is only checked (a newer one refused); an older one is migrated by its holder.
    const lock = (db.pragma('user_version', { simple: true }) as number) < SCHEMA_VERSION ? holdToMigrate(path) : null;
    try {
      migrate(db);
    } finally {
      lock?.release();
    }
  } catch (err) {
    db.close();
    throw err;
  }
  return { access: new SqliteAccess(db), close: () => db.close() };
}

/** Holds the database to migrate it; a server holding it without having migrated is an older Sightline. */
function holdToMigrate(path: string): DatabaseLock {
  try {
    return holdDatabase(path);
  } catch (err) {
    if (err instanceof DatabaseInUseError)
      throw new Error(`${err.message}, which is older than this Sightline (it has no projects or keys); upgrade it first`);
    throw err;
  }
}
