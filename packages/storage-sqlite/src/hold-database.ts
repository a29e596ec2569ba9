import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { DatabaseInUseError, type DatabaseLock } from './database-lock.js';

/**
 * Holds the database at `path` for this process, or throws {@link DatabaseInUseError}.
 *
 * The lock is SQLite's own file lock on a small side database, `<path>.lock`, taken by an
 * exclusive transaction that stays open. It is an OS lock on an open file, so it goes when the
 * process goes, however it ends (SIGKILL, a crash): it cannot go stale, unlike a file that
 * says "in use" and must be deleted. The transaction writes nothing; the side file stays empty.
 *
 * The locked file cannot be read, so the holder writes its PID to `<path>.pid` for the message
 * of whoever is refused. One left behind by a killed process is harmless: only the lock decides.
 */
export function holdDatabase(path: string): DatabaseLock {
  mkdirSync(dirname(path), { recursive: true });
  const pidPath = `${path}.pid`;
  const conn = new Database(`${path}.lock`);
  try {
    conn.pragma('busy_timeout = 0');
    // Not DELETE: even a transaction that writes nothing would leave a -journal file behind.
    conn.pragma('journal_mode = MEMORY');
    conn.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    conn.close();
    if ((err as { code?: unknown }).code === 'SQLITE_BUSY') throw new DatabaseInUseError(path, readPid(pidPath));
    throw err;
  }
  try {
    writeFileSync(pidPath, `${process.pid}\n`);
  } catch (err) {
    conn.close();
    throw err;
  }
  let held = true;
  return {
    path,
    release() {
      if (!held) return;
      held = false;
      // Removed while still held, so it is never another holder's file.
      rmSync(pidPath, { force: true });
      conn.close();
    },
  };
}

function readPid(pidPath: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(pidPath, 'utf8'), 10);
    return pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
