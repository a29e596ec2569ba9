import { type CallFigures, MetricsGroup, type MetricsSums } from '@sightline/storage';
import type Database from 'better-sqlite3';
import type { RollupDims } from './call-state.js';
import { type KeyDims, KeyRollupWriter } from './key-rollup-writer.js';

/** Milliseconds → the UTC hour a call's start falls in, as stored in `llm_rollups.hour` (hours since the epoch). */
export function hourOf(timestampNs: bigint): number {
  return Math.floor(Number(timestampNs / 1_000_000n) / 3_600_000);
}

interface RollupRow {
  id: number;
  calls: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  cost_usd: number;
  priced_calls: number;
  latency: Buffer;
  ttft: Buffer;
  tokens_per_s: Buffer;
}

/** A row's sums in {@link MetricsSums} form. */
function rowSums(row: Omit<RollupRow, 'id' | 'latency' | 'ttft' | 'tokens_per_s'>): MetricsSums {
  return {
    calls: row.calls,
    errors: row.errors,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    reasoningTokens: row.reasoning_tokens,
    totalTokens: row.total_tokens,
    costUsd: row.cost_usd,
    pricedCalls: row.priced_calls,
  };
}

/**
 * Keeps `llm_rollups` (and, through {@link KeyRollupWriter}, `llm_key_rollups`) in step with
 * the calls that count: changes are gathered per rollup row during a batch (a call added, taken
 * away, or repriced) and applied once at its end.
 */
export class RollupWriter {
  /**
   * Changes gathered in this batch, per rollup row: found through one map level per part of its
   * key (project and hour, then each dimension), so no key string is built per call.
   */
  private readonly pending: Nested = new Map();
  /** The same rows, in the order they were first changed. */
  private readonly rows: PendingRollup[] = [];
  private readonly stmts;
  private readonly keys: KeyRollupWriter;

  constructor(db: Database.Database) {
    this.keys = new KeyRollupWriter(db);
    const key =
      'project_id = ? AND hour = ? AND service = ? AND provider = ? AND model = ? AND request_model = ? AND route = ? AND operation = ?';
    this.stmts = {
      select: db.prepare(
        `SELECT id, calls, errors, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, total_tokens, cost_usd,
           priced_calls, latency, ttft, tokens_per_s FROM llm_rollups WHERE ${key}`,
      ),
      insert: db.prepare(
        `INSERT INTO llm_rollups (project_id, hour, service, provider, model, request_model, route, operation, calls, errors, input_tokens,
           output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, total_tokens, cost_usd, priced_calls, latency, ttft, tokens_per_s)
         VALUES (${Array(21).fill('?').join(', ')})`,
      ),
      update: db.prepare(
        `UPDATE llm_rollups SET calls = ?, errors = ?, input_tokens = ?, output_tokens = ?, cache_read_tokens = ?, cache_write_tokens = ?,
           reasoning_tokens = ?, total_tokens = ?, cost_usd = ?, priced_calls = ?, latency = ?, ttft = ?, tokens_per_s = ? WHERE id = ?`,
      ),
      delete: db.prepare('DELETE FROM llm_rollups WHERE id = ?'),
    };
  }

  private deltaFor(projectId: number, timestamp: bigint, d: RollupDims): MetricsGroup {
    const hour = hourOf(timestamp);
    // One level per part of the row's key; the last part (the operation) names the row itself.
    // Step by step rather than over an array of the parts: this runs for every call.
    let level = within(this.pending, projectId * HOURS + hour);
    level = within(level, d.service);
    level = within(level, d.provider);
    level = within(level, d.model);
    level = within(level, d.requestModel);
    level = within(level, d.route);
    let row = level.get(d.operation) as PendingRollup | undefined;
    if (!row) {
      const dims = [d.service, d.provider ?? '', d.model ?? '', d.requestModel ?? '', d.route ?? '', d.operation ?? ''];
      row = { projectId, hour, dims, delta: new MetricsGroup() };
      level.set(d.operation, row);
      this.rows.push(row);
    }
    return row.delta;
  }

  /** A call that counts was added (`sign` 1) or stopped counting (-1). */
  add(projectId: number, call: CallFigures & RollupDims & KeyDims & { readonly timestamp: bigint }, sign: 1 | -1): void {
    this.deltaFor(projectId, call.timestamp, call).add(call, sign);
    this.keys.add(projectId, hourOf(call.timestamp), call, sign);
  }

  /** A counted call's cost changed. */
  reprice(
    projectId: number,
    call: RollupDims & KeyDims & { readonly timestamp: bigint },
    before: number | null,
    after: number | null,
  ): void {
    this.deltaFor(projectId, call.timestamp, call).addSums({
      ...ZERO_SUMS,
      costUsd: (after ?? 0) - (before ?? 0),
      pricedCalls: (after === null ? 0 : 1) - (before === null ? 0 : 1),
    });
    this.keys.reprice(projectId, hourOf(call.timestamp), call, before, after);
  }

  /** Applies the gathered changes (inside the batch's transaction). */
  flush(): void {
    for (const { projectId, hour, dims, delta } of this.rows) {
      const keyValues = [projectId, hour, ...dims];
      const row = this.stmts.select.get(...keyValues) as RollupRow | undefined;
      const merged = new MetricsGroup();
      if (row) {
        merged.addSums(rowSums(row));
        merged.latency.mergeEncoded(row.latency);
        merged.ttft.mergeEncoded(row.ttft);
        merged.tokensPerS.mergeEncoded(row.tokens_per_s);
      }
      merged.merge(delta);
      const values = [
        merged.calls,
        merged.errors,
        merged.inputTokens,
        merged.outputTokens,
        merged.cacheReadTokens,
        merged.cacheWriteTokens,
        merged.reasoningTokens,
        merged.totalTokens,
        merged.costUsd,
        merged.pricedCalls,
        merged.latency.encode(),
        merged.ttft.encode(),
        merged.tokensPerS.encode(),
      ];
      if (row && merged.calls <= 0) this.stmts.delete.run(row.id);
      else if (row) this.stmts.update.run(...values, row.id);
      else if (merged.calls > 0) this.stmts.insert.run(...keyValues, ...values);
    }
    this.pending.clear();
    this.rows.length = 0;
    this.keys.flush();
  }

  /** Forgets gathered changes (the transaction rolled back). */
  reset(): void {
    this.pending.clear();
    this.rows.length = 0;
    this.keys.reset();
  }
}

/** Hours a project's rollup keys are apart (2²², some 480 years): project and hour make one number. */
const HOURS = 2 ** 22;

interface PendingRollup {
  readonly projectId: number;
  readonly hour: number;
  readonly dims: string[];
  readonly delta: MetricsGroup;
}

/** Maps within maps, a level per part of a key; the last level holds the {@link PendingRollup}. */
type Nested = Map<unknown, unknown>;

/** The map under `key` in `map`, made when missing. */
function within(map: Nested, key: unknown): Nested {
  let inner = map.get(key) as Nested | undefined;
  if (inner === undefined) map.set(key, (inner = new Map()));
  return inner;
}

const ZERO_SUMS: MetricsSums = {
  calls: 0,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  totalTokens: 0,
  costUsd: 0,
  pricedCalls: 0,
};
