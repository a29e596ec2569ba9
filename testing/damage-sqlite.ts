import { closeSync, openSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * Overwrites every page of `table` (not its indexes) in a closed SQLite database with garbage,
 * as a failing disk or a stray write would: any read of the table's rows then meets
 * SQLITE_CORRUPT, while the rest of the file reads fine. Returns the pages overwritten.
 */
export function damageTable(path: string, table: string): number[] {
  const db = new Database(path, { readonly: true });
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.prepare('SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno').pluck().all(table) as number[];
  db.close();
  const garbage = Buffer.alloc(pageSize, 0xa5);
  const fd = openSync(path, 'r+');
  try {
    for (const page of pages) writeSync(fd, garbage, 0, pageSize, (page - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
  return pages;
}
