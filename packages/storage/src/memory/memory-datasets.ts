import type { DatasetInfo, DatasetRowsPage, DatasetStore } from '../datasets.js';

/** Datasets held in memory: the reference {@link DatasetStore}. */
export class MemoryDatasets implements DatasetStore {
  private readonly sets = new Map<string, string[]>();

  async appendRows(project: string, name: string, rows: readonly string[]): Promise<void> {
    if (rows.length === 0) return;
    const key = datasetKey(project, name);
    const held = this.sets.get(key);
    if (held) for (const row of rows) held.push(row);
    else this.sets.set(key, [...rows]);
  }

  async listDatasets(project: string): Promise<DatasetInfo[]> {
    const prefix = `${project}\u0000`;
    const found: DatasetInfo[] = [];
    for (const [key, rows] of this.sets) {
      if (key.startsWith(prefix)) found.push({ name: key.slice(prefix.length), rowCount: rows.length });
    }
    return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async readRows(project: string, name: string, after: number, limit: number): Promise<DatasetRowsPage | null> {
    const held = this.sets.get(datasetKey(project, name));
    if (!held) return null;
    const rows = held.slice(after, after + limit);
    const end = after + rows.length;
    return { rows, next: end < held.length ? end : null };
  }
}

function datasetKey(project: string, name: string): string {
  return `${project}\u0000${name}`;
}
