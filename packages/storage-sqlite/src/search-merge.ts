import type Database from 'better-sqlite3';

/**
 * Leaf pages one merge step writes: ~10 ms of work (at most ~50 on an index of 1.3M spans),
 * which is as long as a batch that arrives meanwhile waits.
 */
export const MERGE_STEP_PAGES = 16;

/**
 * Merges the search index's segments while the writer has nothing else to do. Writes merge
 * only when 16 segments pile up on a level (schema/013-search-merge.ts), which keeps the
 * index cheap to write under load but leaves searches more segments to read; these steps
 * bring each level back under 4 (FTS5's `usermerge`), as its default would have, but off the
 * writes' path. Each step is its own transaction.
 */
export class SearchMerger {
  private readonly merge;
  private readonly totalChanges;

  constructor(db: Database.Database) {
    this.merge = db.prepare(`INSERT INTO span_search (span_search, rank) VALUES ('merge', ${MERGE_STEP_PAGES})`);
    this.totalChanges = db.prepare('SELECT total_changes()').pluck();
  }

  /** One step; whether it merged anything (false: nothing is left to merge). */
  step(): boolean {
    const before = this.totalChanges.get() as number;
    this.merge.run();
    // The command counts as one change itself; a merge that wrote pages counts more.
    return (this.totalChanges.get() as number) - before >= 2;
  }
}
