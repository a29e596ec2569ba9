import { Command, InvalidArgumentError, Option } from 'commander';

/** `sightline clickhouse-schema`: the ClickHouse schema as SQL, for a database administrator to read or apply by hand. */
export function clickhouseSchemaCommand(): Command {
  return new Command('clickhouse-schema')
    .description(
      'Print the SQL of the ClickHouse schema (what "serve --storage clickhouse" applies at its first start), for one server or, with --cluster, replicated and distributed over a cluster',
    )
    .addOption(
      new Option('--cluster <name>', 'the cluster (as named in remote_servers) to make replicated tables and distributed tables on')
        .env('SIGHTLINE_CLICKHOUSE_CLUSTER')
        .argParser(parseClusterName),
    )
    .action(async (opts: { cluster?: string }) => {
      const { schemaStatements } = await import('@sightline/storage-clickhouse');
      const statements = schemaStatements({ cluster: opts.cluster }).map((s) => (s.startsWith('INSERT INTO') ? `${BACKFILL}\n${s}` : s));
      process.stdout.write(`${statements.join(';\n\n')};\n`);
    });
}

/** What a reader of the schema is told before each statement that writes rows (a migration's backfill). */
const BACKFILL = '-- Fills in what data stored before this schema version needs; on a new database it inserts nothing.';

export function parseClusterName(value: string): string {
  if (!/^[\w.-]+$/.test(value)) throw new InvalidArgumentError('expected a cluster name: letters, digits, "_", "." or "-"');
  return value;
}
