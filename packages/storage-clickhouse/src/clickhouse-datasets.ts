import type { DatasetInfo, DatasetRowsPage, DatasetStore } from '@sightline/storage';
import type { ClickHouseDb } from './clickhouse-db.js';
import { clockSequence } from './clock-sequence.js';

/** Datasets in ClickHouse (`dataset_rows`), rows numbered by {@link clockSequence}. A page's `next` is the position of its last row. */
export class ClickHouseDatasets implements DatasetStore {
  constructor(
    private readonly db: ClickHouseDb,
    private readonly assertOpen: () => void,
  ) {}

  async appendRows(project: string, name: string, rows: readonly string[]): Promise<void> {
    this.assertOpen();
    const first = clockSequence(rows.length);
    await this.db.insert(
      'dataset_rows',
      rows.map((row, i) => ({ project, dataset: name, position: first + i, row })),
    );
  }

  async listDatasets(project: string): Promise<DatasetInfo[]> {
    this.assertOpen();
    const rows = await this.db.rows<{ dataset: string; n: string }>(
      'SELECT dataset, count() AS n FROM dataset_rows FINAL WHERE project = {project:String} GROUP BY dataset ORDER BY dataset',
      { project },
    );
    return rows.map((r) => ({ name: r.dataset, rowCount: Number(r.n) }));
  }

  private async exists(project: string, name: string): Promise<boolean> {
    const [row] = await this.db.rows<{ n: string }>(
      'SELECT count() AS n FROM dataset_rows WHERE project = {project:String} AND dataset = {name:String}',
      { project, name },
    );
    return Number(row?.n ?? 0) > 0;
  }

  async readRows(project: string, name: string, after: number, limit: number): Promise<DatasetRowsPage | null> {
    this.assertOpen();
    const rows = await this.db.rows<{ position: string; row: string }>(
      `SELECT position, row FROM dataset_rows FINAL
       WHERE project = {project:String} AND dataset = {name:String} AND position > {after:UInt64}
       ORDER BY position LIMIT {limit:UInt32}`,
      { project, name, after, limit: limit + 1 },
    );
    if (rows.length === 0 && !(await this.exists(project, name))) return null;
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { rows: page.map((r) => r.row), next: rows.length > limit && last ? Number(last.position) : null };
  }
}
