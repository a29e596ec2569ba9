import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';

/** Where the data is: a ClickHouse server (or cluster) by URL, or an in-process engine (chdb) keeping it in a folder. */
export type ClickHouseTarget = { readonly url: string; readonly database?: string } | { readonly chdbPath: string };

/**
 * Settings every connection uses. 64-bit integers come back as strings: nanosecond times and
 * token counts must not be rounded through a JavaScript number. On a cluster, `IN` and `JOIN`
 * by trace id stay on each shard, where all of a trace lives (see `cluster-schema.ts`).
 */
const SETTINGS = { output_format_json_quote_64bit_integers: 1, distributed_product_mode: 'local' } as const;

/**
 * A client of the official `@clickhouse/client`, to a server or to chdb (`chdb/connection`,
 * loaded only when asked for: a server deployment does not need it installed). `cluster`: the
 * tables are distributed (see `cluster-schema.ts`).
 */
export async function connectClickHouse(target: ClickHouseTarget, options: { readonly cluster?: boolean } = {}): Promise<ClickHouseClient> {
  // On a cluster an insert returns once its rows are on their shards, so the reads that follow see them.
  const settings = options.cluster ? { ...SETTINGS, insert_distributed_sync: 1 as const } : SETTINGS;
  // Failures reach the caller as errors (and the server's log through it): the client logs nothing itself.
  if ('url' in target)
    return createClient({
      url: target.url,
      database: target.database,
      clickhouse_settings: settings,
      log: { level: ClickHouseLogLevel.OFF },
    });
  let chdb: { createChdbConnection(o: { path: string }): unknown };
  try {
    chdb = (await import('chdb/connection')) as typeof chdb;
  } catch (err) {
    throw new Error(`the in-process ClickHouse (npm package chdb) is not installed: npm install chdb (${(err as Error).message})`);
  }
  return createClient({
    connection: chdb.createChdbConnection({ path: target.chdbPath }) as never,
    clickhouse_settings: SETTINGS,
    log: { level: ClickHouseLogLevel.OFF },
  });
}
