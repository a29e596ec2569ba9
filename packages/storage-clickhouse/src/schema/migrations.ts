import type { ClickHouseClient } from '@clickhouse/client';
import { spansSchema } from './001-spans.js';
import { accessSchema } from './002-access.js';
import { callsSchema } from './003-calls.js';
import { metricsDatasetsSchema } from './004-metrics-datasets.js';
import { sessionFactsSchema } from './005-session-facts.js';
import { metricRollupsSchema } from './006-metric-rollups.js';
import { clusterLedger, clusterStatements } from './cluster-schema.js';

/** Schema versions in order; each is statements run one by one (ClickHouse takes one per request). */
export const MIGRATIONS: readonly { readonly version: number; readonly statements: readonly string[] }[] = [
  { version: 1, statements: spansSchema },
  { version: 2, statements: accessSchema },
  { version: 3, statements: callsSchema },
  { version: 4, statements: metricsDatasetsSchema },
  { version: 5, statements: sessionFactsSchema },
  { version: 6, statements: metricRollupsSchema },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, applied_at DateTime64(3) DEFAULT now64(3))
  ENGINE = MergeTree ORDER BY version`;

const ledgerOf = (cluster: string | undefined) => (cluster === undefined ? LEDGER : clusterLedger(cluster));
/** A migration's statements as one server or every node of `cluster` takes them. */
const stepOf = (statements: readonly string[], cluster: string | undefined) =>
  cluster === undefined ? statements : clusterStatements(statements, cluster);

/** Where the schema goes: one server (the default), or every node of a cluster (see `cluster-schema.ts`). */
export interface SchemaTarget {
  /** The cluster's name in the servers' `remote_servers` configuration. */
  readonly cluster?: string;
}

/** Every statement of the schema at {@link SCHEMA_VERSION} from `after` on, ledger first: what `migrate` runs. */
export function schemaStatements(target: SchemaTarget = {}, after = 0): string[] {
  const { cluster } = target;
  const steps = MIGRATIONS.filter((m) => m.version > after).flatMap((m) => stepOf(m.statements, cluster));
  return [ledgerOf(cluster), ...steps];
}

/**
 * Brings the database up to {@link SCHEMA_VERSION}, noting each version applied in
 * `schema_migrations`. Statements are written to be run again (`IF NOT EXISTS`), so a migration
 * cut short by a crash is finished by the next start. Refuses a database from a newer Sightline.
 */
export async function migrate(client: ClickHouseClient, target: SchemaTarget = {}): Promise<number> {
  await client.command({ query: ledgerOf(target.cluster) });
  const rs = await client.query({ query: 'SELECT max(version) AS v FROM schema_migrations', format: 'JSONEachRow' });
  const current = Number(((await rs.json()) as { v: number | string }[])[0]?.v ?? 0);
  if (current > SCHEMA_VERSION)
    throw new Error(
      `the ClickHouse database has schema version ${current}, newer than this Sightline understands (${SCHEMA_VERSION}); upgrade Sightline`,
    );
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    for (const query of stepOf(m.statements, target.cluster)) await client.command({ query });
    await client.insert({ table: 'schema_migrations', values: [{ version: m.version }], format: 'JSONEachRow' });
  }
  return SCHEMA_VERSION;
}
