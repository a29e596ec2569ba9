import type Database from 'better-sqlite3';

/**
 * Spans' search texts, held until the batch's other rows are written and then put in the
 * index (`span_search`) together, one row per statement, just before the commit.
 *
 * Why not many rows per statement, as other rows go in: FTS5 keeps a transaction's new entries
 * in memory and writes them out as one segment at the commit, but also whenever a statement
 * opens a statement journal — which every statement that inserts many rows at once does (SQLite
 * calls FTS5's savepoint method, and FTS5 flushes there). Interleaved with the writer's other
 * multi-row inserts, the index was written as a segment every ~20 spans, and merging those
 * segments cost as much again as the words themselves. Inserting the texts last, a row per
 * statement (which opens no statement journal), makes one segment per transaction: on the
 * benchmark's text ~2 µs less per span than 16 or 64 rows per statement, statement cost included.
 */
export class SearchWriter {
  private readonly insert;
  /** Waiting rows: keys and texts, arrays used again from batch to batch; the first {@link count} are live. */
  private readonly keys: number[] = [];
  private readonly texts: (Uint8Array | null)[] = [];
  private count = 0;

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT INTO span_search (rowid, text) VALUES (?, CAST(? AS TEXT))');
  }

  /** Holds span `key`'s search text (UTF-8) until {@link flush}. */
  add(key: number, text: Uint8Array): void {
    this.keys[this.count] = key;
    this.texts[this.count] = text;
    this.count++;
  }

  /** Inserts the waiting texts: the last writes of the transaction, so that the index is written once. */
  flush(): void {
    const insert = this.insert;
    for (let i = 0; i < this.count; i++) {
      insert.run(this.keys[i], this.texts[i]);
      this.texts[i] = null;
    }
    this.count = 0;
  }

  /** Drops the waiting texts (their transaction rolled back). */
  reset(): void {
    this.texts.fill(null, 0, this.count);
    this.count = 0;
  }
}
