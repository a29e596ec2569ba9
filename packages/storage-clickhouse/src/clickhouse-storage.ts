import type { ClickHouseClient } from '@clickhouse/client';
import { type Storage, StorageClosedError } from '@sightline/storage';
import { ClickHouseAccess } from './clickhouse-access.js';
import { ClickHouseCallReader } from './clickhouse-call-reader.js';
import { ClickHouseDatasets } from './clickhouse-datasets.js';
import { ClickHouseDb } from './clickhouse-db.js';
import { ClickHouseOtelMetrics } from './clickhouse-otel-metrics.js';
import { ClickHousePurger } from './clickhouse-purger.js';
import { ClickHouseTraceReader } from './clickhouse-trace-reader.js';
import { ClickHouseWriter } from './clickhouse-writer.js';
import { type ClickHouseTarget, connectClickHouse } from './connect.js';
import { migrate, type SchemaTarget } from './schema/migrations.js';

export interface ClickHouseStorageOptions {
  /**
   * Close the client with the store (default true). A caller sharing one client between
   * stores (tests on one in-process engine) keeps it open.
   */
  readonly ownsClient?: boolean;
  /** The tables are distributed over this cluster (see `cluster-schema.ts`). */
  readonly cluster?: string;
}

/**
 * The ClickHouse backend: every table of schema `migrations.ts` behind the storage contract.
 * Stateless apart from the client, so several Sightline processes can share one database.
 */
export class ClickHouseStorage implements Storage {
  readonly kind = 'clickhouse';
  readonly writer: ClickHouseWriter;
  readonly reader: ClickHouseTraceReader;
  readonly calls: ClickHouseCallReader;
  readonly access: ClickHouseAccess;
  readonly purger: ClickHousePurger;
  readonly otelMetrics: ClickHouseOtelMetrics;
  readonly datasets: ClickHouseDatasets;
  private closed = false;

  constructor(
    readonly client: ClickHouseClient,
    private readonly options: ClickHouseStorageOptions = {},
  ) {
    const db = new ClickHouseDb(client, options.cluster ?? null);
    const open = () => this.assertOpen();
    this.otelMetrics = new ClickHouseOtelMetrics(db, open);
    this.datasets = new ClickHouseDatasets(db, open);
    this.writer = new ClickHouseWriter(db, this.otelMetrics, open);
    this.reader = new ClickHouseTraceReader(db, open);
    this.calls = new ClickHouseCallReader(db, open);
    this.access = new ClickHouseAccess(client);
    this.purger = new ClickHousePurger(db, this.writer, this.otelMetrics, open);
  }

  get repricer(): ClickHousePurger {
    return this.purger;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.options.ownsClient ?? true) await this.client.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageClosedError();
  }
}

/**
 * Connects to ClickHouse (a server, or chdb in a folder), brings its schema up to date (on every
 * node of `schema.cluster` when given), and opens the store on it.
 */
export async function openClickHouseStorage(target: ClickHouseTarget, schema: SchemaTarget = {}): Promise<ClickHouseStorage> {
  const client = await connectClickHouse(target, { cluster: schema.cluster !== undefined });
  try {
    await migrate(client, schema);
  } catch (err) {
    await client.close();
    throw err;
  }
  return new ClickHouseStorage(client, { cluster: schema.cluster });
}
