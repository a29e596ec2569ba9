import type { DatasetInfo, DatasetRowsPage, DatasetStore } from '@sightline/storage';
import type Database from 'better-sqlite3';
import type { DamageWatch } from './damage-watch.js';
import { writeFailure } from './writer-client.js';

/**
 * Datasets in the `dataset_rows` table (schema 006), on the store's own connection: appends
 * are rare and small next to span writes, so they take the write lock between the writer
 * thread's transactions (waiting for it up to the connection's busy timeout) rather than
 * going through the writer's protocol.
 */
export class SqliteDatasets implements DatasetStore {
  private readonly insert: Database.Statement;
  private readonly list: Database.Statement;
  private readonly page: Database.Statement;
  private readonly exists: Database.Statement;
  private readonly appendAll: (project: string, name: string, rows: readonly string[]) => void;

  constructor(
    db: Database.Database,
    private readonly watch: DamageWatch,
  ) {
    this.insert = db.prepare('INSERT INTO dataset_rows (project, dataset, row) VALUES (?, ?, ?)');
    this.list = db.prepare(
      'SELECT dataset AS name, count(*) AS rowCount FROM dataset_rows WHERE project = ? GROUP BY dataset ORDER BY dataset',
    );
    this.page = db.prepare('SELECT id, row FROM dataset_rows WHERE project = ? AND dataset = ? AND id > ? ORDER BY id LIMIT ?');
    this.exists = db.prepare('SELECT 1 FROM dataset_rows WHERE project = ? AND dataset = ? LIMIT 1');
    this.appendAll = db.transaction((project: string, name: string, rows: readonly string[]) => {
      for (const row of rows) this.insert.run(project, name, row);
    });
  }

  appendRows(project: string, name: string, rows: readonly string[]): Promise<void> {
    return this.watch.write(async () => {
      try {
        this.appendAll(project, name, rows);
      } catch (err) {
        const e = err as Error & { code?: string };
        throw writeFailure(e.message, e.code);
      }
    });
  }

  listDatasets(project: string): Promise<DatasetInfo[]> {
    return this.watch.read(async () => this.list.all(project) as DatasetInfo[]);
  }

  /** `after` is a row id here: ids only grow, so a slice read after another append still follows on. */
  readRows(project: string, name: string, after: number, limit: number): Promise<DatasetRowsPage | null> {
    return this.watch.read(async () => {
      const rows = this.page.all(project, name, after, limit + 1) as { id: number; row: string }[];
      if (rows.length === 0) return after === 0 || this.exists.get(project, name) === undefined ? null : { rows: [], next: null };
      const more = rows.length > limit;
      if (more) rows.pop();
      return { rows: rows.map((r) => r.row), next: more ? (rows[rows.length - 1] as { id: number }).id : null };
    });
  }
}
