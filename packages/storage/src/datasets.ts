/** A dataset's name and how many rows it holds. */
export interface DatasetInfo {
  readonly name: string;
  readonly rowCount: number;
}

/** A slice of a dataset's rows, in the order they were appended. */
export interface DatasetRowsPage {
  /** Each row as the JSON text of an object, exactly as appended. */
  readonly rows: readonly string[];
  /** Pass as `after` to read the next slice; null after the last row. */
  readonly next: number | null;
}

/**
 * Named datasets of rows (Llama Stack's "save spans to dataset"), kept apart from traces: they
 * do not expire with them. Every method is scoped to a project; a dataset exists once a row
 * has been appended to it.
 *
 * @example
 * await datasets.appendRows('default', 'evals', ['{"span_id":"00f067aa0ba902b7"}']);
 * await datasets.listDatasets('default'); // [{ name: 'evals', rowCount: 1 }]
 */
export interface DatasetStore {
  /** Appends rows (each the JSON text of an object) to the dataset, creating it when new; all or none. */
  appendRows(project: string, name: string, rows: readonly string[]): Promise<void>;
  /** Every dataset of the project, by name. */
  listDatasets(project: string): Promise<DatasetInfo[]>;
  /**
   * Up to `limit` rows after position `after` (0 to start); null when the project has no such
   * dataset.
   */
  readRows(project: string, name: string, after: number, limit: number): Promise<DatasetRowsPage | null>;
}
