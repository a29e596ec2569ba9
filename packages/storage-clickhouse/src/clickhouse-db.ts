import type { ClickHouseClient } from '@clickhouse/client';
import { definedOnly } from './query-params.js';
import { assertClusterName } from './schema/cluster-schema.js';

/** The three things the backend asks of a ClickHouse client, with parameters always bound. */
export class ClickHouseDb {
  /** `cluster`: the tables are distributed over it (see `cluster-schema.ts`). */
  constructor(
    readonly client: ClickHouseClient,
    readonly cluster: string | null = null,
  ) {
    if (cluster !== null) assertClusterName(cluster);
  }

  /** The rows of a query (JSONEachRow: 64-bit integers as strings). */
  async rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
    const rs = await this.client.query({ query, query_params: definedOnly(params), format: 'JSONEachRow' });
    return (await rs.json()) as T[];
  }

  async insert(table: string, values: readonly object[]): Promise<void> {
    if (values.length === 0) return;
    await this.client.insert({ table, values: values as object[], format: 'JSONEachRow' });
  }

  /**
   * Deletes the rows of `table` that `where` picks (a lightweight delete: gone from reads at
   * once). On a cluster, from the local table on every node: a distributed table takes no deletes.
   */
  async delete(table: string, where: string, params: Record<string, unknown>): Promise<void> {
    const target = this.cluster === null ? table : `${table}_local ON CLUSTER '${this.cluster}'`;
    await this.command(`DELETE FROM ${target} WHERE ${where}`, params);
  }

  /** A statement without rows (DDL, DELETE). */
  async command(query: string, params: Record<string, unknown> = {}): Promise<void> {
    await this.client.command({ query, query_params: definedOnly(params) });
  }
}
