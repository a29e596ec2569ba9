import type { ClickHouseClient } from '@clickhouse/client';
import { definedOnly } from './query-params.js';

/** The three things the backend asks of a ClickHouse client, with parameters always bound. */
export class ClickHouseDb {
  constructor(readonly client: ClickHouseClient) {}

  /** The rows of a query (JSONEachRow: 64-bit integers as strings). */
  async rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
    const rs = await this.client.query({ query, query_params: definedOnly(params), format: 'JSONEachRow' });
    return (await rs.json()) as T[];
  }

  async insert(table: string, values: readonly object[]): Promise<void> {
    if (values.length === 0) return;
    await this.client.insert({ table, values: values as object[], format: 'JSONEachRow' });
  }

  /** A statement without rows (DDL, DELETE). */
  async command(query: string, params: Record<string, unknown> = {}): Promise<void> {
    await this.client.command({ query, query_params: definedOnly(params) });
  }
}
