import { QuantileSketch } from '@sightline/storage';
import type Database from 'better-sqlite3';

/**
 * Registers on a connection the aggregate `sl_sketch(value)`: the encoded quantile sketch (see
 * `QuantileSketch.encode`) of a column's non-null values, for building rollups from stored
 * calls in SQL (migrations).
 */
export function registerSketchFunctions(db: Database.Database): void {
  db.aggregate('sl_sketch', {
    start: () => new QuantileSketch(),
    step: (sketch: QuantileSketch, value: unknown) => {
      if (typeof value === 'number' || typeof value === 'bigint') sketch.add(Number(value));
    },
    result: (sketch: QuantileSketch) => sketch.encode(),
  });
}

/**
 * SQL that merges a rollup's sketch column over a group's rows. An encoded sketch is a list of
 * (bucket, count) pairs, so the rows' sketches end to end are their merge. `group_concat` makes
 * text of the blobs with their bytes intact (nothing validates them as UTF-8), and the cast
 * gives them back as one blob: half the bytes of `hex()`, and nothing to decode in JavaScript.
 */
export function mergedSketchSql(column: string): string {
  return `CAST(group_concat(${column}, '') AS BLOB)`;
}

/** The sketch columns every rollup table keeps, in their order. */
export const SKETCH_COLUMNS = ['latency', 'ttft', 'tokens_per_s'] as const;

/** Each sketch column merged over a group's rows, in {@link SKETCH_COLUMNS}' order. */
export const MERGED_SKETCHES_SQL = SKETCH_COLUMNS.map(mergedSketchSql).join(', ');

const NONE = new Uint8Array(0);

/** A merged sketch column as read (null when none of the group's rows had sketch bytes). */
export function sketchBytes(value: unknown): Uint8Array {
  return (value as Uint8Array | null) ?? NONE;
}
