import { StorageDamagedError } from '@sightline/storage';

/**
 * What SQLite's result code says about the file, when it says it is damaged. better-sqlite3
 * gives extended codes (SQLITE_CORRUPT_INDEX, SQLITE_CORRUPT_SEQUENCE, …), hence the prefix.
 */
function damageOf(code: string): string | null {
  if (code.startsWith('SQLITE_CORRUPT')) return 'is damaged';
  if (code === 'SQLITE_NOTADB') return 'is damaged, or is not a SQLite database';
  return null;
}

/**
 * Notices damage in the errors of a database's operations (on any connection: the writer
 * thread's errors carry SQLite's code too), remembers the first and tells `onDamage` once. A
 * damaged file goes on answering whatever does not touch the bad pages, so the damage has to
 * be reported where an operator looks, not only thrown at whichever request met it.
 */
export class DamageWatch {
  private first: StorageDamagedError | null = null;

  constructor(
    private readonly path: string,
    private readonly onDamage?: (damage: StorageDamagedError) => void,
  ) {}

  /** The first damage met, or null. */
  get damage(): StorageDamagedError | null {
    return this.first;
  }

  /** `err` as a {@link StorageDamagedError} when it is a sign of damage (noted), else null. */
  check(err: unknown): StorageDamagedError | null {
    const code = (err as { code?: unknown } | null)?.code;
    const what = typeof code === 'string' ? damageOf(code) : null;
    if (what === null) return null;
    const damaged = new StorageDamagedError(`the database ${this.path} ${what} (${code}: ${(err as Error).message})`, { cause: err });
    if (!this.first) {
      this.first = damaged;
      this.onDamage?.(damaged);
    }
    return damaged;
  }

  /** Runs a read; damage it meets is thrown as a {@link StorageDamagedError}. */
  async read<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw this.check(err) ?? err;
    }
  }

  /**
   * Runs a write; damage it meets is noted, and the error thrown as it was: writes already say
   * whether trying again can succeed (`StorageUnavailableError`), which a damaged file is.
   */
  async write<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      this.check(err);
      throw err;
    }
  }
}
