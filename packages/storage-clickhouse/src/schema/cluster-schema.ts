/**
 * The schema for a ClickHouse cluster, made from the single-server migrations: every table
 * becomes a replicated local table (`<name>_local`, `Replicated*MergeTree` on the usual
 * `{shard}`/`{replica}` macros) on every node, with a `Distributed` table of the table's own name
 * over it. Rows are sharded so that everything of one trace (spans, its summary, calls, logs)
 * lives on one shard: a row and its newer version meet there, which `FINAL` and the
 * ReplacingMergeTree tables rely on, and `IN` and `JOIN` by trace id stay on the shard
 * (the connection sets `distributed_product_mode = 'local'`).
 */

/** How each table is sharded. */
export const SHARDING_KEYS: Readonly<Record<string, string>> = {
  spans: 'cityHash64(project, trace_id)',
  span_search: 'cityHash64(project, trace_id)',
  traces: 'cityHash64(project, trace_id)',
  llm_calls: 'cityHash64(project, trace_id)',
  logs: 'cityHash64(project, trace_id)',
  llm_hour_rollups: 'cityHash64(project, hour)',
  llm_rollup_marks: 'cityHash64(project, hour)',
  metric_points: 'cityHash64(project, series_id)',
  dataset_rows: 'cityHash64(project, dataset)',
  project_settings: 'cityHash64(name)',
  api_keys: 'cityHash64(id)',
  usage_days: 'cityHash64(project)',
  audit_log: 'cityHash64(id)',
};

const CREATE = /^CREATE TABLE IF NOT EXISTS (\w+) \(/;
const ENGINE = /ENGINE = (\w*MergeTree)(?:\(([^)]*)\))?/;
const ALTER = /^ALTER TABLE (\w+) (ADD (COLUMN|INDEX) .*)$/s;
/** Rows a migration writes (a backfill): once, through the distributed tables. */
const INSERT = /^INSERT INTO \w+ /;
/** A column's codec: the local table compresses; a distributed table stores nothing. */
const CODEC = / CODEC\((?:[^()]|\([^()]*\))*\)/g;

/** A migration's statements for `cluster`: as `ON CLUSTER` DDL of local and distributed tables. */
export function clusterStatements(statements: readonly string[], cluster: string): string[] {
  assertClusterName(cluster);
  const on = `ON CLUSTER '${cluster}'`;
  const out: string[] = [];
  for (const statement of statements) {
    const create = CREATE.exec(statement);
    if (create) {
      const name = create[1] as string;
      const key = SHARDING_KEYS[name];
      if (!key) throw new Error(`no sharding key for table ${name}`);
      const local = statement
        .replace(CREATE, `CREATE TABLE IF NOT EXISTS ${name}_local ${on} (`)
        .replace(ENGINE, (_m, engine: string, args?: string) => {
          const params = [`'/clickhouse/tables/{shard}/{database}/${name}_local'`, `'{replica}'`, ...(args ? [args] : [])];
          return `ENGINE = Replicated${engine}(${params.join(', ')})`;
        });
      out.push(
        local,
        `CREATE TABLE IF NOT EXISTS ${name} ${on} AS ${name}_local ENGINE = Distributed('${cluster}', currentDatabase(), ${name}_local, ${key})`,
      );
      continue;
    }
    const alter = ALTER.exec(statement);
    if (alter) {
      const [, name, change, what] = alter as unknown as [string, string, string, string];
      out.push(`ALTER TABLE ${name}_local ${on} ${change}`);
      // The distributed table shows the local table's columns; indexes live on the local one only.
      if (what === 'COLUMN') out.push(`ALTER TABLE ${name} ${on} ${change.replace(CODEC, '')}`);
      continue;
    }
    if (INSERT.test(statement)) {
      out.push(statement);
      continue;
    }
    throw new Error(`cannot make cluster DDL of: ${statement.slice(0, 60)}`);
  }
  return out;
}

/** Throws unless `cluster` is a name that can stand in SQL as it is (letters, digits, `_`, `.`, `-`). */
export function assertClusterName(cluster: string): void {
  if (!/^[\w.-]+$/.test(cluster)) throw new Error(`not a cluster name: ${cluster}`);
}

/**
 * The ledger of applied schema versions, one for the whole cluster: a table replicated on every
 * node of every shard (its path has no `{shard}`), so the replica names of the `{replica}`
 * macro must differ across the whole cluster.
 */
export function clusterLedger(cluster: string): string {
  assertClusterName(cluster);
  return `CREATE TABLE IF NOT EXISTS schema_migrations ON CLUSTER '${cluster}' (version UInt32, applied_at DateTime64(3) DEFAULT now64(3))
  ENGINE = ReplicatedMergeTree('/clickhouse/tables/{database}/schema_migrations', '{replica}') ORDER BY version`;
}
