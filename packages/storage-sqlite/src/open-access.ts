import type { AccessStore } from '@sightline/storage';
import { DatabaseInUseError } from './database-lock.js';
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
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version < SCHEMA_VERSION) {
      let lock: ReturnType<typeof holdDatabase>;
      try {
        lock = holdDatabase(path);
      } catch (err) {
        if (err instanceof DatabaseInUseError)
          throw new Error(`${err.message}, which is older than this Sightline (it has no projects or keys); upgrade it first`);
        throw err;
      }
      try {
        migrate(db);
      } finally {
        lock.release();
      }
    } else migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return { access: new SqliteAccess(db), close: () => db.close() };
}
