import type Database from 'better-sqlite3';
import { RowBuffer } from '../row-buffer.js';
import { bloomMayContain, buildBloom, keyHashes } from './bloom.js';
import { buildChunks, chunkLookup } from './id-chunk.js';
import { RecentIds, type SortedIds } from './recent-ids.js';

/** Ids held in the recent B-tree before they are sealed into a block. */
export const SEAL_AT = 16_384;
/** New ids go into the recent B-tree this many per statement. */
const IDS_PER_INSERT = 64;

/**
 * Finds the integer values (trace keys) stored under random ids — trace ids, span ids —
 * without a B-tree that grows at random places.
 *
 * New ids go into a small B-tree (`recent_<name>_ids`). Every {@link SEAL_AT} ids it is
 * emptied into a new block: a Bloom filter (`<name>_id_blocks`) and the ids themselves,
 * sorted and cut into chunks of a few hundred (`<name>_id_runs`, keyed by block and first id).
 * Block numbers only grow, so sealing appends. A lookup checks the recent tree, then reads
 * one chunk of each block whose filter may hold the id; filters are cached in memory
 * (2 bytes per id).
 *
 * Lookups must run inside a read transaction, so the recent tree and the blocks are seen at
 * one point in time. Values may be stale after deletions: callers verify what they find.
 */
export class IdIndex {
  private readonly blooms = new Map<number, Uint8Array>();
  private lastBlockId = 0;
  private recentCount: number | null = null;
  /**
   * The writer's copy of the recent tree, for sealing; null when it may differ from the tree
   * (ids from before this connection, an id ignored as already there, a rollback).
   */
  private recent: RecentIds | null = null;
  /** Ids added and not yet in the recent tree (see {@link flush}). */
  private readonly added: RowBuffer;
  private readonly stmts;

  constructor(
    db: Database.Database,
    name: 'trace' | 'span',
    private readonly width: number,
    private readonly sealAt = SEAL_AT,
  ) {
    this.added = new RowBuffer(db, `INSERT OR IGNORE INTO recent_${name}_ids (id, value) VALUES`, '(?, ?)', 2, IDS_PER_INSERT);
    this.stmts = {
      findRecent: db.prepare(`SELECT value FROM recent_${name}_ids WHERE id = ?`).pluck(),
      countRecent: db.prepare(`SELECT count(*) FROM recent_${name}_ids`).pluck(),
      allRecent: db.prepare(`SELECT id, value FROM recent_${name}_ids ORDER BY id, value`).raw(),
      clearRecent: db.prepare(`DELETE FROM recent_${name}_ids`),
      newBlooms: db.prepare(`SELECT id, bloom FROM ${name}_id_blocks WHERE id > ? ORDER BY id`),
      firstBlock: db.prepare(`SELECT min(id) FROM ${name}_id_blocks`).pluck(),
      lastBlock: db.prepare(`SELECT max(id) FROM ${name}_id_blocks`).pluck(),
      insertBlock: db.prepare(`INSERT INTO ${name}_id_blocks (id, min_value, max_value, bloom) VALUES (?, ?, ?, ?)`),
      insertChunk: db.prepare(`INSERT INTO ${name}_id_runs (block, first, ids, vals) VALUES (?, ?, ?, ?)`),
      findChunk: db.prepare(`SELECT ids, vals FROM ${name}_id_runs WHERE block = ? AND first <= ? ORDER BY first DESC LIMIT 1`),
      staleBlocks: db.prepare(`SELECT id FROM ${name}_id_blocks WHERE max_value < ?`).pluck(),
      dropBlock: db.prepare(`DELETE FROM ${name}_id_blocks WHERE id = ?`),
      dropRun: db.prepare(`DELETE FROM ${name}_id_runs WHERE block = ?`),
    };
  }

  /**
   * Records `id → value`. Writer only, inside the write transaction, which must {@link flush}
   * before it commits; `id` must keep its bytes until then.
   */
  add(id: Uint8Array, value: number): void {
    if (this.recentCount === null && this.added.unflushed === 0) this.recent = new RecentIds(this.width);
    this.added.pair(id, value);
    this.recent?.push(id, value);
  }

  /** Writes the ids added since the last flush; seals the recent tree once it holds {@link SEAL_AT} or more. */
  flush(): void {
    const added = this.added.unflushed;
    if (added === 0) return;
    const inserted = this.added.flush();
    if (inserted !== added) this.recent = null;
    this.recentCount = this.recentCount === null ? (this.stmts.countRecent.get() as number) : this.recentCount + inserted;
    if (this.recent !== null && this.recent.count !== this.recentCount) this.recent = null;
    if (this.recentCount >= this.sealAt) this.seal();
  }

  /** Forgets ids added since the last flush (their transaction rolled back). */
  reset(): void {
    this.added.reset();
    this.recentCount = null;
    this.recent = null;
  }

  /** Every value recorded under `id` (possibly stale: verify). Run inside a transaction. */
  lookup(id: Uint8Array): number[] {
    this.flush();
    const found = (this.stmts.findRecent.all(id) as number[]).map(Number);
    this.refreshBlooms();
    const hashes = keyHashes(id, 0, this.width);
    for (const [block, bloom] of this.blooms) {
      if (!bloomMayContain(bloom, hashes)) continue;
      const chunk = this.stmts.findChunk.get(block, id) as { ids: Uint8Array; vals: Uint8Array } | undefined;
      if (chunk) found.push(...chunkLookup(this.width, chunk.ids, chunk.vals, id));
    }
    return found;
  }

  /** The distinct values recorded under `id`, highest (newest trace) first. Run inside a transaction. */
  lookupNewestFirst(id: Uint8Array): number[] {
    return [...new Set(this.lookup(id))].sort((a, b) => b - a);
  }

  /** Drops blocks whose values are all below `minValue` (their traces were deleted). Writer only. */
  dropBelow(minValue: number): void {
    this.flush();
    for (const block of this.stmts.staleBlocks.all(minValue) as number[]) {
      this.stmts.dropRun.run(block);
      this.stmts.dropBlock.run(block);
      this.blooms.delete(block);
    }
  }

  private seal(): void {
    const sorted = this.recent?.sorted() ?? this.readRecent();
    const block = ((this.stmts.lastBlock.get() as number | null) ?? 0) + 1;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < sorted.count; i++) {
      const value = sorted.values[i] as number;
      if (value < min) min = value;
      if (value > max) max = value;
    }
    this.stmts.insertBlock.run(block, min, max, buildBloom(sorted.ids, this.width, sorted.count));
    // Chunks are written in key order.
    for (const chunk of buildChunks(this.width, sorted)) this.stmts.insertChunk.run(block, chunk.first, chunk.ids, chunk.vals);
    this.stmts.clearRecent.run();
    this.recentCount = 0;
    this.recent = new RecentIds(this.width, this.sealAt + IDS_PER_INSERT);
  }

  /** The recent tree's ids, read back in order. */
  private readRecent(): SortedIds {
    const rows = this.stmts.allRecent.all() as [Uint8Array, number][];
    const ids = new Uint8Array(rows.length * this.width);
    const values = new Float64Array(rows.length);
    rows.forEach(([id, value], i) => {
      ids.set(id.subarray(0, this.width), i * this.width);
      values[i] = value;
    });
    return { ids, values, count: rows.length };
  }

  private refreshBlooms(): void {
    const rows = this.stmts.newBlooms.all(this.lastBlockId) as { id: number; bloom: Uint8Array }[];
    for (const row of rows) {
      this.blooms.set(row.id, row.bloom);
      this.lastBlockId = row.id;
    }
    // Blocks dropped by expiry (on the writer's connection) are the oldest: forget their filters.
    const first = this.blooms.keys().next().value;
    if (first !== undefined && rows.length === 0) {
      const oldest = (this.stmts.firstBlock.get() as number | null) ?? Number.POSITIVE_INFINITY;
      for (const block of this.blooms.keys()) {
        if (block >= oldest) break;
        this.blooms.delete(block);
      }
    }
  }
}
