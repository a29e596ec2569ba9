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
      process.stdout.write(`${schemaStatements({ cluster: opts.cluster }).join(';\n\n')};\n`);
    });
}

export function parseClusterName(value: string): string {
  if (!/^[\w.-]+$/.test(value)) throw new InvalidArgumentError('expected a cluster name: letters, digits, "_", "." or "-"');
  return value;
}
