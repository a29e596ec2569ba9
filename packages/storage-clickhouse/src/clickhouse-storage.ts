import type { ClickHouseClient } from '@clickhouse/client';
import { type Storage, StorageClosedError } from '@sightline/storage';
import { ClickHouseAccess } from './clickhouse-access.js';
import { ClickHouseCallReader } from './clickhouse-call-reader.js';
import { ClickHouseDatasets } from './clickhouse-datasets.js';
import { ClickHouseDb } from './clickhouse-db.js';
import { ClickHouseOtelMetrics } from './clickhouse-otel-metrics.js';
import { ClickHousePurger } from './clickhouse-purger.js';
import { ClickHouseRollups, RollupRefresher } from './clickhouse-rollups.js';
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
  /**
   * Metrics and facets read hourly rollups for the hours they answer (default true). Not on a
   * cluster, where it is refused: a rollup's version and an hour's marks could come from two
   * nodes' clocks, and a mark could reach its shard before the calls it follows.
   */
  readonly metricRollups?: boolean;
  /** Told when a background refresh of the rollups fails (it is tried again at the next one). */
  readonly onRollupError?: (err: unknown) => void;
  /**
   * How often, in ms, hours changed since rolled up are rolled up again (default 30,000; 0:
   * never in the background, only by {@link ClickHouseStorage.refreshRollups}). Until then
   * they are read from the calls; each refresh reads the calls of the project once.
   */
  readonly rollupRefreshMs?: number;
}

/** See {@link ClickHouseStorageOptions.rollupRefreshMs}. */
export const DEFAULT_ROLLUP_REFRESH_MS = 30_000;

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
  private readonly rollups: ClickHouseRollups;
  private readonly refresher: RollupRefresher | null;
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
    this.rollups = new ClickHouseRollups(db);
    if (options.metricRollups === true && options.cluster !== undefined)
      throw new Error('metric rollups are not kept on a cluster: metrics there read the calls');
    const rollupReads = (options.metricRollups ?? true) && options.cluster === undefined;
    this.calls = new ClickHouseCallReader(db, open, rollupReads ? this.rollups : null);
    const every = options.rollupRefreshMs ?? DEFAULT_ROLLUP_REFRESH_MS;
    this.refresher = rollupReads && every > 0 ? new RollupRefresher(this.rollups, every, options.onRollupError) : null;
    this.refresher?.start();
    this.access = new ClickHouseAccess(client);
    this.purger = new ClickHousePurger(db, this.writer, this.otelMetrics, open);
  }

  get repricer(): ClickHousePurger {
    return this.purger;
  }

  /** Rolls up the hours whose calls changed since they were last rolled up; returns how many. */
  async refreshRollups(): Promise<number> {
    this.assertOpen();
    return this.rollups.refresh();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.refresher?.stop();
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
export async function openClickHouseStorage(
  target: ClickHouseTarget,
  schema: SchemaTarget = {},
  options: Pick<ClickHouseStorageOptions, 'onRollupError'> = {},
): Promise<ClickHouseStorage> {
  const client = await connectClickHouse(target, { cluster: schema.cluster !== undefined });
  try {
    await migrate(client, schema);
  } catch (err) {
    await client.close();
    throw err;
  }
  return new ClickHouseStorage(client, { cluster: schema.cluster, onRollupError: options.onRollupError });
}
