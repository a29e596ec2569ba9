/**
 * A database held by this process, so that no other Sightline writes to it: two writers on
 * one file would each wait for the other's commits and, past the busy timeout, fail writes
 * with "database is locked". Readers (`sightline check`, the `sqlite3` shell) are not kept out.
 */
export interface DatabaseLock {
  /** The database file held. */
  readonly path: string;
  /** Lets another process take the database. Idempotent. */
  release(): void;
}

/** Another process holds the database; `pid` is its process id, when it could be read. */
export class DatabaseInUseError extends Error {
  override readonly name = 'DatabaseInUseError';
  constructor(
    readonly path: string,
    readonly pid: number | null,
  ) {
    super(`the database ${path} is in use by another Sightline (${pid === null ? 'PID unknown' : `PID ${pid}`})`);
  }
}
