import { statSync } from 'node:fs';
import Database from 'better-sqlite3';

export interface DatabaseCheckOptions {
  /** `PRAGMA quick_check`: skips comparing indexes with their tables; much faster on a big file. */
  readonly quick?: boolean;
  /** Problems listed at most (default 20); `more` says when there were others. */
  readonly maxProblems?: number;
}

/** What {@link checkDatabase} found. */
export type DatabaseCheck =
  | { readonly status: 'ok'; readonly bytes: number; readonly schemaVersion: number }
  | {
      readonly status: 'damaged';
      readonly bytes: number;
      /** Null when even the header could not be read. */
      readonly schemaVersion: number | null;
      /** SQLite's own words for each problem, at most `maxProblems`. */
      readonly problems: readonly string[];
      readonly more: boolean;
    }
  | { readonly status: 'unreadable'; readonly reason: string };

const DAMAGE_CODES = /^SQLITE_(CORRUPT|NOTADB)/;

/**
 * Checks a database file's integrity on a read-only connection, which a running server's hold
 * does not keep out (WAL readers see the last commit and block no one), so it can run beside
 * the server.
 */
export function checkDatabase(path: string, options: DatabaseCheckOptions = {}): DatabaseCheck {
  const max = options.maxProblems ?? 20;
  let db: Database.Database;
  let bytes: number;
  try {
    bytes = statSync(path).size;
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    const e = err as Error & { code?: string };
    return { status: 'unreadable', reason: e.code === 'ENOENT' ? 'no such file' : e.message };
  }
  let schemaVersion: number | null = null;
  const problems: string[] = [];
  try {
    schemaVersion = db.pragma('user_version', { simple: true }) as number;
    // One row more than shown, to know whether there were more. Rows are taken one by one:
    // the check can fail on the damage after listing some of it, and those rows are the report.
    const check = db.prepare(`PRAGMA ${options.quick ? 'quick_check' : 'integrity_check'}(${max + 1})`).pluck();
    for (const row of check.iterate() as IterableIterator<string>) problems.push(row);
  } catch (err) {
    const e = err as Error & { code?: string };
    if (!e.code || !DAMAGE_CODES.test(e.code)) return { status: 'unreadable', reason: e.message };
    problems.push(`${e.code}: ${e.message}`);
  } finally {
    db.close();
  }
  if (problems.length === 1 && problems[0] === 'ok') return { status: 'ok', bytes, schemaVersion: schemaVersion ?? 0 };
  // A row may hold several problems, one a line, headed by the database checked (always `main`).
  const found = problems.flatMap((row) => row.split('\n')).filter((line) => line !== '*** in database main ***');
  return { status: 'damaged', bytes, schemaVersion, problems: found.slice(0, max), more: found.length > max };
}
