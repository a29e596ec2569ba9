import { bucketOf, type CallFigures, QuantileSketch } from '@sightline/storage';
import type Database from 'better-sqlite3';
import { MERGED_SKETCHES_SQL, SKETCH_COLUMNS, sketchBytes } from './sketch-sql.js';

/** The keys a call's metrics are also kept under: its own session and user. */
export interface KeyDims {
  readonly sessionId: string | null;
  readonly userId: string | null;
}

/** `llm_key_rollups.kind`. */
export const KEY_KIND = { session: 1, user: 2 } as const;
/** `llm_key_rollups.grain`: hours per bucket. */
export const KEY_GRAIN = { hour: 1, day: 24 } as const;

/** One key's change during a batch: sums, and sketch entries as (bucket, count) pairs. */
interface KeyDelta {
  readonly projectId: number;
  readonly kind: number;
  readonly hour: number;
  readonly key: string;
  /** calls, errors, input, output, cache read, cache write, reasoning, total tokens, cost, priced calls. */
  readonly sums: Float64Array;
  readonly latency: number[];
  readonly ttft: number[];
  readonly tokensPerS: number[];
  /** A call was taken away: the rows may be left empty. */
  shrank: boolean;
}

const SUMS = 10;

/**
 * Once a bucket's recent part holds this many bytes of sketch pairs, it is merged into the
 * merged part. A batch then rewrites a row of at most about this size, however large the
 * merged part has grown; merging costs about what a dozen appends do, once per a dozen or so.
 */
const MERGE_BYTES = 1536;

/** A day is folded into day rows once it has been over this many hours, so that late calls rarely miss it. */
const FOLD_AFTER_HOURS = 2;

const SUM_COLUMNS = [
  'calls',
  'errors',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'total_tokens',
  'cost_usd',
  'priced_calls',
];
const ROW_KEY = 'project_id = ? AND kind = ? AND grain = ? AND bucket = ? AND key = ?';

/**
 * Keeps `llm_key_rollups` in step with the calls that count, per session and per user, by UTC
 * hour and day.
 *
 * - Changes are gathered per (key, hour) during a batch and applied at its end to each
 *   bucket's recent part: one UPSERT that adds the sums and appends the sketch pairs (an
 *   encoded sketch is a list of pairs, so appending merges; `||` makes text of blobs, bytes
 *   intact, hence the CAST back), returning how big the part has grown. A part grown past
 *   {@link MERGE_BYTES}, or one a call was taken from, is merged into the bucket's merged part.
 * - Day rows are built when a day is over: a project's days before its `folded_until` hour
 *   (`llm_key_folds`) have day rows, kept in step with their hours (a late call updates both);
 *   once calls arrive {@link FOLD_AFTER_HOURS} after a day ended — by their time and by the
 *   clock, so that neither old calls loaded in bulk nor calls stamped in the future by a skewed
 *   clock close today early — the hour rows of the days since are summed into day rows. A
 *   batch thus writes one row per key, not two; readers take the days before `folded_until`
 *   from day rows and the hours after it from hour rows.
 */
export class KeyRollupWriter {
  /** Per project, kind and hour (`(project · 4 + kind) · 2²² + hour`), per key: no string is built per call. */
  private readonly pending = new Map<number, Map<string, KeyDelta>>();
  /** Per project, `llm_key_folds.folded_until` (null: no day rows yet), as read or written in this transaction. */
  private readonly folds = new Map<number, number | null>();
  private readonly stmts;

  constructor(db: Database.Database) {
    const key = 'project_id, kind, grain, bucket, key, part';
    const columns = `${key}, ${SUM_COLUMNS.join(', ')}, ${SKETCH_COLUMNS.join(', ')}`;
    const values = Array(6 + SUM_COLUMNS.length + SKETCH_COLUMNS.length)
      .fill('?')
      .join(', ');
    this.stmts = {
      append: db
        .prepare(
          `INSERT INTO llm_key_rollups (${columns}) VALUES (${values})
           ON CONFLICT (${key}) DO UPDATE SET ${SUM_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')},
             ${SKETCH_COLUMNS.map((c) => `${c} = CAST(${c} || excluded.${c} AS BLOB)`).join(', ')}
           RETURNING ${SKETCH_COLUMNS.map((c) => `length(${c})`).join(' + ')}`,
        )
        .pluck(),
      parts: db.prepare(`SELECT ${SUM_COLUMNS.join(', ')}, ${SKETCH_COLUMNS.join(', ')} FROM llm_key_rollups WHERE ${ROW_KEY}`).raw(true),
      deleteParts: db.prepare(`DELETE FROM llm_key_rollups WHERE ${ROW_KEY}`),
      insert: db.prepare(`INSERT INTO llm_key_rollups (${columns}) VALUES (${values})`),
      foldedUntil: db.prepare('SELECT folded_until FROM llm_key_folds WHERE project_id = ?').pluck(),
      setFoldedUntil: db.prepare(
        'INSERT INTO llm_key_folds (project_id, folded_until) VALUES (?, ?) ON CONFLICT (project_id) DO UPDATE SET folded_until = excluded.folded_until',
      ),
      firstHour: db
        .prepare('SELECT min(bucket) FROM llm_key_rollups WHERE project_id = ? AND kind = ? AND grain = 1 AND bucket >= ? AND bucket < ?')
        .pluck(),
      hoursOfDay: db
        .prepare(
          `SELECT kind, key, ${SUM_COLUMNS.map((c) => `sum(${c})`).join(', ')}, ${MERGED_SKETCHES_SQL}
           FROM llm_key_rollups WHERE project_id = ? AND kind IN (1, 2) AND grain = 1 AND bucket >= ? AND bucket < ? GROUP BY kind, key`,
        )
        .raw(true),
    };
  }

  /** A call that counts, starting in `hour` (hours since the epoch), was added (`sign` 1) or stopped counting (-1). */
  add(projectId: number, hour: number, call: CallFigures & KeyDims, sign: 1 | -1): void {
    const latency = bucketOf(call.durationMs);
    const ttft = call.ttftMs === null ? null : bucketOf(call.ttftMs);
    const tokensPerS = call.tokensPerS === null ? null : bucketOf(call.tokensPerS);
    for (const d of [
      this.deltaFor(projectId, KEY_KIND.session, hour, call.sessionId),
      this.deltaFor(projectId, KEY_KIND.user, hour, call.userId),
    ]) {
      const s = d.sums;
      s[0] = (s[0] as number) + sign;
      if (call.isError) s[1] = (s[1] as number) + sign;
      s[2] = (s[2] as number) + sign * (call.inputTokens ?? 0);
      s[3] = (s[3] as number) + sign * (call.outputTokens ?? 0);
      s[4] = (s[4] as number) + sign * (call.cacheReadTokens ?? 0);
      s[5] = (s[5] as number) + sign * (call.cacheWriteTokens ?? 0);
      s[6] = (s[6] as number) + sign * (call.reasoningTokens ?? 0);
      s[7] = (s[7] as number) + sign * (call.totalTokens ?? 0);
      if (call.costUsd !== null) {
        s[8] = (s[8] as number) + sign * call.costUsd;
        s[9] = (s[9] as number) + sign;
      }
      d.latency.push(latency, sign);
      if (ttft !== null) d.ttft.push(ttft, sign);
      if (tokensPerS !== null) d.tokensPerS.push(tokensPerS, sign);
      if (sign < 0) d.shrank = true;
    }
  }

  /** A counted call's cost changed. */
  reprice(projectId: number, hour: number, call: KeyDims, before: number | null, after: number | null): void {
    for (const d of [
      this.deltaFor(projectId, KEY_KIND.session, hour, call.sessionId),
      this.deltaFor(projectId, KEY_KIND.user, hour, call.userId),
    ]) {
      d.sums[8] = (d.sums[8] as number) + (after ?? 0) - (before ?? 0);
      d.sums[9] = (d.sums[9] as number) + (after === null ? 0 : 1) - (before === null ? 0 : 1);
    }
  }

  /**
   * Applies the gathered changes (inside the batch's transaction): each to its hour's bucket,
   * and to its day's when that day is folded already; then folds the days that are over.
   */
  flush(): void {
    const latest = new Map<number, number>();
    for (const keys of this.pending.values())
      for (const d of keys.values()) {
        const folded = this.foldedUntil(d.projectId, d.hour);
        latest.set(d.projectId, Math.max(latest.get(d.projectId) ?? d.hour, d.hour));
        const sums = Array.from(d.sums);
        const sketches = [pairs(d.latency), pairs(d.ttft), pairs(d.tokensPerS)];
        this.append(d, KEY_GRAIN.hour, d.hour, sums, sketches);
        if (d.hour < folded) this.append(d, KEY_GRAIN.day, d.hour - (d.hour % 24), sums, sketches);
      }
    this.pending.clear();
    const now = Math.floor(Date.now() / 3_600_000);
    for (const [projectId, hour] of latest) this.foldDays(projectId, Math.min(hour, now));
  }

  /** Forgets gathered changes and what was read (the transaction rolled back). */
  reset(): void {
    this.pending.clear();
    this.folds.clear();
  }

  private append(d: KeyDelta, grain: number, bucket: number, sums: number[], sketches: Buffer[]): void {
    const bytes = this.stmts.append.get(d.projectId, d.kind, grain, bucket, d.key, 1, ...sums, ...sketches) as number;
    if (bytes > MERGE_BYTES || d.shrank) this.merge([d.projectId, d.kind, grain, bucket, d.key]);
  }

  /** The project's `folded_until`; a project's first calls start it at their day (there is nothing before to fold). */
  private foldedUntil(projectId: number, hour: number): number {
    let folded = this.folds.get(projectId);
    if (folded === undefined) folded = (this.stmts.foldedUntil.get(projectId) as number | undefined) ?? null;
    if (folded === null) {
      folded = hour - (hour % 24);
      this.stmts.setFoldedUntil.run(projectId, folded);
    }
    this.folds.set(projectId, folded);
    return folded;
  }

  /** Builds the day rows of the project's days that ended {@link FOLD_AFTER_HOURS} before `hour`, and moves `folded_until` past them. */
  private foldDays(projectId: number, hour: number): void {
    const from = this.folds.get(projectId);
    if (from === undefined || from === null) return;
    const until = Math.floor((hour - FOLD_AFTER_HOURS - 24) / 24) * 24 + 24;
    if (until <= from) return;
    // Days without calls are skipped: calls from 1970 then from today fold two days, not 20,000.
    for (let day = from; day < until; day += 24) {
      const first = this.stmts.firstHour.get(projectId, KEY_KIND.session, day, until) as number | null;
      if (first === null) break;
      day = first - (first % 24);
      this.foldDay(projectId, day);
    }
    this.stmts.setFoldedUntil.run(projectId, until);
    this.folds.set(projectId, until);
  }

  /** The day rows of one day, from its hour rows. */
  private foldDay(projectId: number, day: number): void {
    for (const r of this.stmts.hoursOfDay.all(projectId, day, day + 24) as unknown[][]) {
      const sums = r.slice(2, 2 + SUM_COLUMNS.length) as number[];
      if ((sums[0] as number) <= 0) continue;
      const sketches = SKETCH_COLUMNS.map((_, i) => {
        const sketch = new QuantileSketch();
        sketch.mergeEncoded(sketchBytes(r[2 + SUM_COLUMNS.length + i]));
        return sketch.encode();
      });
      this.stmts.insert.run(projectId, r[0], KEY_GRAIN.day, day, r[1], 0, ...sums, ...sketches);
    }
  }

  /** Merges a bucket's parts into one (none when no call is left in it). */
  private merge(rowKey: readonly [number, number, number, number, string]): void {
    const sums = new Array<number>(SUM_COLUMNS.length).fill(0);
    const sketches = SKETCH_COLUMNS.map(() => new QuantileSketch());
    for (const r of this.stmts.parts.all(...rowKey) as unknown[][]) {
      for (let i = 0; i < SUM_COLUMNS.length; i++) sums[i] = (sums[i] as number) + (r[i] as number);
      for (let i = 0; i < SKETCH_COLUMNS.length; i++) sketches[i]?.mergeEncoded(r[SUM_COLUMNS.length + i] as Buffer);
    }
    this.stmts.deleteParts.run(...rowKey);
    if ((sums[0] as number) > 0) this.stmts.insert.run(...rowKey, 0, ...sums, ...sketches.map((s) => s.encode()));
  }

  private deltaFor(projectId: number, kind: number, hour: number, id: string | null): KeyDelta {
    const key = id ?? '';
    const k = (projectId * 4 + kind) * 4_194_304 + hour;
    let keys = this.pending.get(k);
    if (!keys) this.pending.set(k, (keys = new Map()));
    let d = keys.get(key);
    if (!d) {
      d = { projectId, kind, hour, key, sums: new Float64Array(SUMS), latency: [], ttft: [], tokensPerS: [], shrank: false };
      keys.set(key, d);
    }
    return d;
  }
}

/** (bucket, count) pairs as an encoded sketch (see `QuantileSketch.encode`). */
function pairs(list: number[]): Buffer {
  const ints = Int32Array.from(list);
  return Buffer.from(ints.buffer, ints.byteOffset, ints.byteLength);
}
