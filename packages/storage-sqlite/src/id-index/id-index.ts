import type Database from 'better-sqlite3';
import { bloomMayContain, buildBloom, keyHashes } from './bloom.js';
import { blockLookup, buildBlock, type IdBlock } from './id-block.js';

/** Ids held in the recent B-tree before they are sealed into a block. */
export const SEAL_AT = 16_384;
const BLOCK_CACHE = 16;

interface BloomEntry {
  readonly bloom: Uint8Array;
  readonly minValue: number;
  readonly maxValue: number;
}

/**
 * Finds the integer values (trace keys) stored under random ids — trace ids, span ids —
 * without a B-tree that grows at random places. New ids go into a small B-tree
 * (`recent_<name>_ids`); every {@link SEAL_AT} ids it is emptied into an immutable block of
 * sorted ids with a Bloom filter (`<name>_id_blocks`). A lookup checks the recent tree, then
 * the blocks whose filter may hold the id; filters are cached in memory (2 bytes per id).
 *
 * Lookups must run inside a read transaction, so the recent tree and the blocks are seen at
 * one point in time. Values may be stale after deletions: callers verify what they find.
 */
export class IdIndex {
  private readonly blooms = new Map<number, BloomEntry>();
  private lastBlockId = 0;
  private readonly blocks = new Map<number, IdBlock>();
  private recentCount: number | null = null;
  private readonly stmts;

  constructor(
    db: Database.Database,
    readonly name: 'trace' | 'span',
    private readonly width: number,
    private readonly sealAt = SEAL_AT,
  ) {
    this.stmts = {
      addRecent: db.prepare(`INSERT OR IGNORE INTO recent_${name}_ids (id, value) VALUES (?, ?)`),
      findRecent: db.prepare(`SELECT value FROM recent_${name}_ids WHERE id = ?`).pluck(),
      countRecent: db.prepare(`SELECT count(*) FROM recent_${name}_ids`).pluck(),
      allRecent: db.prepare(`SELECT id, value FROM recent_${name}_ids`),
      clearRecent: db.prepare(`DELETE FROM recent_${name}_ids`),
      newBlooms: db.prepare(`SELECT id, bloom, min_value, max_value FROM ${name}_id_blocks WHERE id > ? ORDER BY id`),
      blockData: db.prepare(`SELECT ids, vals FROM ${name}_id_blocks WHERE id = ?`),
      insertBlock: db.prepare(`INSERT INTO ${name}_id_blocks (min_value, max_value, bloom, ids, vals) VALUES (?, ?, ?, ?, ?)`),
      dropBlocks: db.prepare(`DELETE FROM ${name}_id_blocks WHERE max_value < ?`),
    };
  }

  /** Records `id → value`. Writer only, inside the write transaction. */
  add(id: Uint8Array, value: number): void {
    if (this.stmts.addRecent.run(id, value).changes === 0) return;
    this.recentCount = (this.recentCount ?? (this.stmts.countRecent.get() as number) - 1) + 1;
    if (this.recentCount >= this.sealAt) this.seal();
  }

  /** Every value recorded under `id` (possibly stale: verify). Run inside a transaction. */
  lookup(id: Uint8Array): number[] {
    const found = (this.stmts.findRecent.all(id) as (number | bigint)[]).map(Number);
    this.refreshBlooms();
    const hashes = keyHashes(id, 0, this.width);
    for (const [blockId, entry] of this.blooms) {
      if (!bloomMayContain(entry.bloom, hashes)) continue;
      const block = this.block(blockId);
      if (block) found.push(...blockLookup(block, id));
    }
    return found;
  }

  /** Drops blocks whose values are all below `minValue` (their traces were deleted). Writer only. */
  dropBelow(minValue: number): void {
    this.stmts.dropBlocks.run(minValue);
    for (const [id, entry] of this.blooms) if (entry.maxValue < minValue) this.forget(id);
  }

  private seal(): void {
    const rows = this.stmts.allRecent.all() as { id: Uint8Array; value: number | bigint }[];
    const pairs = rows.map((r) => ({ id: r.id, value: Number(r.value) }));
    const block = buildBlock(this.width, pairs);
    const values = pairs.map((p) => p.value);
    this.stmts.insertBlock.run(
      Math.min(...values),
      Math.max(...values),
      buildBloom(block.ids, this.width, pairs.length),
      block.ids,
      block.vals,
    );
    this.stmts.clearRecent.run();
    this.recentCount = 0;
  }

  private refreshBlooms(): void {
    const rows = this.stmts.newBlooms.all(this.lastBlockId) as { id: number; bloom: Uint8Array; min_value: number; max_value: number }[];
    for (const row of rows) {
      this.blooms.set(row.id, { bloom: row.bloom, minValue: row.min_value, maxValue: row.max_value });
      this.lastBlockId = row.id;
    }
  }

  private block(blockId: number): IdBlock | null {
    let block = this.blocks.get(blockId);
    if (block) {
      this.blocks.delete(blockId);
      this.blocks.set(blockId, block);
      return block;
    }
    const row = this.stmts.blockData.get(blockId) as { ids: Uint8Array; vals: Uint8Array } | undefined;
    if (!row) {
      this.forget(blockId); // dropped by expiry since the filter was cached
      return null;
    }
    block = { width: this.width, ids: row.ids, vals: row.vals };
    if (this.blocks.size >= BLOCK_CACHE) this.blocks.delete(this.blocks.keys().next().value as number);
    this.blocks.set(blockId, block);
    return block;
  }

  private forget(blockId: number): void {
    this.blooms.delete(blockId);
    this.blocks.delete(blockId);
  }
}
