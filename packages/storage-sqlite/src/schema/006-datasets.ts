/**
 * Named datasets (Llama Stack's "save spans to dataset"): each row the JSON text of an object,
 * in the order appended. Kept apart from traces, so they do not expire with them; the index
 * lists a project's datasets and reads one in order without a sort. `IF NOT EXISTS`: a database
 * whose version was set back (as the upgrade tests do) keeps the table it has.
 */
export const datasetsSchema = `
CREATE TABLE IF NOT EXISTS dataset_rows (
  id INTEGER PRIMARY KEY,
  project TEXT NOT NULL,
  dataset TEXT NOT NULL,
  row TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS dataset_rows_by_dataset ON dataset_rows (project, dataset, id);
`;
