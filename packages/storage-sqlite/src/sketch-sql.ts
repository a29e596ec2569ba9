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
