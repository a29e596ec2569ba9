import type Database from 'better-sqlite3';

/**
 * Rows waiting to be inserted, many per statement. Running a statement costs about a
 * microsecond beyond its rows' own work (binding, stepping, resetting, the result object):
 * for a row of two values that is most of it, and the writer inserts a few rows per span.
 *
 * Values are written in place into {@link values}, one array used again: a fresh array per
 * batch would be garbage for the writer's collector. They are bound spread, as arguments: an
 * array argument makes better-sqlite3 read each element through V8's object API (~4% of the
 * writer thread's time on the benchmark's spans). Rows go in, in the order added, when a
 * statement's worth is waiting and at {@link flush} — which the owner must call before its
 * transaction commits, and before it reads what the rows would change.
 *
 * Give an insert that cannot abort (`INSERT OR FAIL`, `OR IGNORE`): a statement of many rows
 * that may abort opens a statement journal, copying every page it changes so that it can undo
 * its own rows — needless where a failure rolls back the whole transaction — and makes FTS5
 * write out what it holds (see search-writer.ts).
 */
export class RowBuffer {
  /** The waiting rows' values, `width` per row; the next row's go at {@link offset}. */
  readonly values: unknown[];
  private readonly row: unknown[];
  private readonly many;
  private readonly one;
  private rows = 0;
  private changes = 0;
  /** Rows added since the last flush (or reset), inserted or still waiting. */
  private sinceFlush = 0;

  /**
   * `insert`: the statement up to its values (`INSERT INTO t (a, b) VALUES`); `placeholders`:
   * one row's (`(?, ?)`), of `width` values.
   */
  constructor(
    db: Database.Database,
    insert: string,
    placeholders: string,
    private readonly width: number,
    private readonly rowsPerStatement: number,
  ) {
    this.values = new Array(width * rowsPerStatement).fill(null);
    this.row = new Array(width).fill(null);
    this.many = db.prepare(`${insert} ${Array(rowsPerStatement).fill(placeholders).join(', ')}`);
    this.one = db.prepare(`${insert} ${placeholders}`);
  }

  /** Where the next row's values go in {@link values}. */
  get offset(): number {
    return this.rows * this.width;
  }

  /** Rows added since the last {@link flush}, whether a full statement already inserted them or not. */
  get unflushed(): number {
    return this.sinceFlush;
  }

  /** Whether rows are waiting. */
  get pending(): boolean {
    return this.rows > 0;
  }

  /** Adds a row of two values (a buffer of `width` 2). */
  pair(first: unknown, second: unknown): void {
    const at = this.rows * this.width;
    this.values[at] = first;
    this.values[at + 1] = second;
    this.added();
  }

  /** Marks the row written at {@link offset} as added; inserts the waiting rows once a statement's worth is. */
  added(): void {
    this.sinceFlush++;
    if (++this.rows === this.rowsPerStatement) {
      this.changes += this.many.run(...this.values).changes;
      this.rows = 0;
    }
  }

  /** Inserts the rows still waiting; returns the rows inserted (`changes`) since the last flush. */
  flush(): number {
    const width = this.width;
    for (let r = 0; r < this.rows; r++) {
      for (let k = 0; k < width; k++) this.row[k] = this.values[r * width + k];
      this.changes += this.one.run(...this.row).changes;
    }
    this.rows = 0;
    this.sinceFlush = 0;
    const changes = this.changes;
    this.changes = 0;
    return changes;
  }

  /** Drops the waiting rows (their transaction rolled back). */
  reset(): void {
    this.values.fill(null);
    this.rows = 0;
    this.changes = 0;
    this.sinceFlush = 0;
  }
}
