import type { CallRow } from './call-row.js';
import { callSumsSql, rolledUpColumnsSql, rolledUpElementsSql } from './call-sums-sql.js';
import type { ClickHouseDb } from './clickhouse-db.js';
import type { SqlParams } from './query-params.js';

/** An hour, in ns. Rollups and marks name hours by hours since the epoch. */
export const HOUR_NS = 3_600_000_000_000n;

/** Hours rolled up by one query. */
const HOURS_PER_REFRESH = 2_000;

/** Hours of one project a refresh looks at, at most (the rest wait for the next one). */
const STALE_LIMIT = 20_000;

/** The server's clock, in ns, as a rollup's version and a mark's time. */
const NOW_NS = 'toUInt64(toUnixTimestamp64Nano(now64(9)))';

/**
 * Each hour of the project (within `[first, last)` when given) that has a rollup or a mark,
 * with the newest rollup's version (`v`, 0 for none) and the newest mark's time (`a`, 0 for none).
 * A rollup answers for its hour when `v > a`.
 */
function hourStatusSql(where: string): string {
  return `SELECT project, toString(hour) AS hour, max(v) AS v, max(a) AS a FROM (
      SELECT project, hour, version AS v, toUInt64(0) AS a FROM llm_hour_rollups WHERE ${where}
      UNION ALL
      SELECT project, hour, toUInt64(0) AS v, at AS a FROM llm_rollup_marks WHERE ${where}
    ) GROUP BY project, hour`;
}

/**
 * What one hour's counted calls sum to, per service, provider, model, requested model,
 * operation and route: the sums and sketch buckets `ClickHouseMetrics` reads, as the tuples of
 * `llm_hour_rollups.groups`. Hours without a counted call get an empty row, so a rollup made
 * before their calls went (deleted, or now duplicates) does not outlive them. The version is
 * read by a query of its own before this one, so the calls this one reads are at least as new
 * as it: a change marked before the version is in them.
 */
const ROLLUP_SQL = `INSERT INTO llm_hour_rollups (project, hour, version, groups)
  SELECT {project:String}, hours.hour, {version:UInt64}, computed.groups
  FROM (SELECT arrayJoin({hours:Array(Int64)}) AS hour) AS hours
  LEFT JOIN (
    SELECT c_hour, groupArray((c_service, c_provider, c_model, c_request_model, c_operation, c_route, ${rolledUpColumnsSql()})) AS groups
    FROM (
      SELECT intDiv(timestamp_ns, ${HOUR_NS}) AS c_hour, toString(service) AS c_service, CAST(provider AS Nullable(String)) AS c_provider,
        model AS c_model, request_model AS c_request_model, CAST(operation AS Nullable(String)) AS c_operation, route AS c_route,
        ${callSumsSql('r_')}
      FROM llm_calls FINAL
      WHERE project = {project:String} AND timestamp_ns >= arrayMin({hours:Array(Int64)}) * toInt64(${HOUR_NS})
        AND timestamp_ns < (arrayMax({hours:Array(Int64)}) + 1) * toInt64(${HOUR_NS})
        AND intDiv(timestamp_ns, ${HOUR_NS}) IN {hours:Array(Int64)} AND counted = 1
      GROUP BY c_hour, c_service, c_provider, c_model, c_request_model, c_operation, c_route
    ) GROUP BY c_hour
  ) AS computed ON hours.hour = computed.c_hour`;

/**
 * The rollups' rows as `llm_calls` columns (`timestamp_ns`: the hour's start), so that call
 * filters and metrics groupings apply to them unchanged; `r_*` are the sums.
 */
const ROLLUP_ROWS_SQL = `SELECT project, hour * toInt64(${HOUR_NS}) AS timestamp_ns, g.1 AS service, g.2 AS provider, g.3 AS model,
    g.4 AS request_model, g.5 AS operation, g.6 AS route, ${rolledUpElementsSql('g', 7)}
  FROM llm_hour_rollups FINAL ARRAY JOIN groups AS g
  WHERE project = {rollup_project:String} AND hour IN {rollup_hours:Array(Int64)}`;

/** Which of a range's hours the rollups answer, and whether calls must be read too. */
export interface RollupPlan {
  /** Hours (since the epoch) whose rollup is newer than their calls' last change. */
  readonly hours: readonly number[];
  /** Some of the range is not answered by them: its partial hours at the edges, or hours changed since rolled up. */
  readonly callsToo: boolean;
}

/** A row's hour as the tables name it. */
export function hourOf(timestampNs: string | number | bigint): number {
  return Number(BigInt(timestampNs) / HOUR_NS);
}

/**
 * Hours whose calls changed, marked once the change is in (see `llm_rollup_marks`), so that a
 * rollup begun before the mark is never taken for one that saw the change.
 */
export class HourMarks {
  private readonly hours = new Map<string, Set<number>>();

  add(project: string, hours: Iterable<number>): void {
    let set = this.hours.get(project);
    if (!set) this.hours.set(project, (set = new Set()));
    for (const h of hours) set.add(h);
  }

  /** Notes the hours of call rows (`project`, `timestamp_ns`) just written. */
  addRows(rows: readonly { readonly project: string; readonly timestamp_ns: string | number }[]): void {
    for (const r of rows) this.add(r.project, [hourOf(r.timestamp_ns)]);
  }

  async write(db: ClickHouseDb): Promise<void> {
    const rows: { project: string; hour: number }[] = [];
    for (const [project, hours] of this.hours) for (const hour of hours) rows.push({ project, hour });
    this.hours.clear();
    await db.insert('llm_rollup_marks', rows);
  }
}

/**
 * Inserts rows into `llm_calls`, then marks their hours changed — also when the insert fails
 * part way, since some of its rows may be in.
 */
export async function insertCalls(db: ClickHouseDb, rows: readonly CallRow[]): Promise<void> {
  try {
    await db.insert('llm_calls', rows);
  } finally {
    const marks = new HourMarks();
    marks.addRows(rows);
    await marks.write(db);
  }
}

/** A trace longer than this (in hours) marks only the hours of its calls when deleted. */
const MOST_TRACE_HOURS = 24 * 31;

/** The hours from `startNs` to `endNs` (a trace's span of time), none when more than {@link MOST_TRACE_HOURS}. */
export function hoursBetween(startNs: string | bigint, endNs: string | bigint): number[] {
  const first = hourOf(startNs);
  const last = hourOf(endNs);
  if (last < first || last - first > MOST_TRACE_HOURS) return [];
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/**
 * Hourly rollups of the calls that count (schema 006): made again for the hours marked since
 * they were last made (`refresh`, run by `RollupRefresher`), and planned into metrics queries
 * (`plan`). Exact whatever the timing: an hour changed after its rollup began is read from the
 * calls until rolled up again. The versions and marks are the ClickHouse server's clock, so
 * this holds for any number of collectors writing to one server.
 */
export class ClickHouseRollups {
  constructor(private readonly db: ClickHouseDb) {}

  /**
   * Rolls up every hour marked since its rollup was made — only those whose last mark is at
   * least `settledMs` old, when given (an hour being written now would be out of date again at
   * once) — and returns how many hours it did. `stopped()` is asked between queries.
   */
  async refresh(settledMs = 0, stopped: () => boolean = () => false): Promise<number> {
    const settled = settledMs > 0 ? ` AND a < ${NOW_NS} - ${BigInt(settledMs) * 1_000_000n}` : '';
    const stale = await this.db.rows<{ project: string; hour: string }>(
      `SELECT project, hour FROM (${hourStatusSql('1')}) WHERE a >= v${settled} ORDER BY project, hour DESC LIMIT ${STALE_LIMIT} BY project`,
    );
    const byProject = new Map<string, number[]>();
    for (const r of stale) {
      const list = byProject.get(r.project) ?? [];
      list.push(Number(r.hour));
      byProject.set(r.project, list);
    }
    let done = 0;
    for (const [project, hours] of byProject)
      for (let i = 0; i < hours.length && !stopped(); i += HOURS_PER_REFRESH) {
        const [now] = await this.db.rows<{ version: string }>(`SELECT ${NOW_NS} AS version`);
        const chunk = hours.slice(i, i + HOURS_PER_REFRESH);
        await this.db.command(ROLLUP_SQL, { project, hours: chunk, version: now?.version });
        done += chunk.length;
      }
    return done;
  }

  /**
   * The rows of `q`: from the rollups for the whole hours they answer, then from the calls for
   * the rest of the range (leaving those hours out), when anything is left.
   */
  async read<T>(q: SplitQuery): Promise<T[]> {
    const plan = await this.plan(q.project, q.from, q.to);
    const hours = plan?.hours ?? [];
    const rows: T[] = [];
    if (hours.length > 0)
      rows.push(
        ...(await this.db.rows<T>(q.rolledUp(`(${ROLLUP_ROWS_SQL})`), {
          ...q.params.values,
          rollup_project: q.project,
          rollup_hours: hours,
        })),
      );
    if (plan && !plan.callsToo) return rows;
    const skip =
      hours.length > 0
        ? ` AND ${outsideHoursSql(hours) ?? `intDiv(timestamp_ns, ${HOUR_NS}) NOT IN ${q.params.add(hours, 'Array(Int64)')}`}`
        : '';
    rows.push(...(await this.db.rows<T>(q.calls(skip), q.params.values)));
    return rows;
  }

  /**
   * Which hours of `[from, to)` the rollups answer, and whether the rest (partial hours at the
   * edges, hours changed since rolled up) must be read from the calls. Null when the range
   * holds no whole hour.
   */
  private async plan(project: string, from: bigint | undefined, to: bigint | undefined): Promise<RollupPlan | null> {
    const first = from === undefined ? null : ceilDiv(from, HOUR_NS);
    const last = to === undefined ? null : to / HOUR_NS;
    if (first !== null && last !== null && first >= last) return null;
    const where = ['project = {project:String}'];
    if (first !== null) where.push('hour >= {first:Int64}');
    if (last !== null) where.push('hour < {last:Int64}');
    const rows = await this.db.rows<{ hour: string; v: string; a: string }>(hourStatusSql(where.join(' AND ')), {
      project,
      first: first === null ? undefined : String(first),
      last: last === null ? undefined : String(last),
    });
    const hours: number[] = [];
    let stale = false;
    for (const r of rows) {
      if (BigInt(r.v) > BigInt(r.a)) hours.push(Number(r.hour));
      else stale = true;
    }
    const edges =
      (first !== null && from !== undefined && first * HOUR_NS > from) || (last !== null && to !== undefined && last * HOUR_NS < to);
    return { hours, callsToo: stale || edges || hours.length === 0 };
  }
}

/** One query over a range of a project's calls, as `ClickHouseRollups.read` runs it. */
export interface SplitQuery {
  readonly project: string;
  readonly from?: bigint;
  readonly to?: bigint;
  /** The query over the rollups' rows: `rows` is a subquery of them with `llm_calls`' column names and `r_*` sums. */
  readonly rolledUp: (rows: string) => string;
  /** The query over `llm_calls`, with `skip` (a condition starting ` AND `, or '') among its conditions. */
  readonly calls: (skip: string) => string;
  /** The parameters both name. */
  readonly params: SqlParams;
}

/** Spans of time `outsideHoursSql` writes out at most; beyond, the hours are left out by a list. */
const MOST_SPANS_OUTSIDE = 64;

/**
 * The condition on `timestamp_ns` that holds outside every one of `hours` (hours since the
 * epoch, in any order), as spans of time between them — what `intDiv(timestamp_ns, H) NOT IN
 * hours` says for times from 1970 on, but in a form the calls' minmax index on `timestamp_ns`
 * can skip granules by: the hours still being written are then read alone, not every call.
 * Null when the hours leave more than {@link MOST_SPANS_OUTSIDE} spans between them.
 * Example: hours 10, 11 and 13 → `(timestamp_ns < 10·H OR (timestamp_ns >= 12·H AND
 * timestamp_ns < 13·H) OR timestamp_ns >= 14·H)`, H being an hour in ns.
 */
export function outsideHoursSql(hours: readonly number[]): string | null {
  const spans: string[] = [];
  // The hour after the run of hours seen last: a span outside starts there.
  let after: bigint | null = null;
  for (const h of [...new Set(hours)].sort((a, b) => a - b)) {
    const hour = BigInt(h);
    if (hour !== after) {
      const start = hour * HOUR_NS;
      spans.push(after === null ? `timestamp_ns < ${start}` : `(timestamp_ns >= ${after * HOUR_NS} AND timestamp_ns < ${start})`);
    }
    after = hour + 1n;
  }
  if (after === null) return null;
  spans.push(`timestamp_ns >= ${after * HOUR_NS}`);
  return spans.length > MOST_SPANS_OUTSIDE ? null : `(${spans.join(' OR ')})`;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return q * b < a ? q + 1n : q;
}

/** Hours whose last mark is younger than this are left to a later refresh: they are still being written. */
const SETTLED_MS = 10_000;

/**
 * Runs `refresh` every `everyMs` (first right away), one run at a time, until stopped, over the
 * hours marked at least {@link SETTLED_MS} (or `everyMs`, when shorter) before. A failed run
 * (the server away) is reported to `onError` and tried again next time: until then the hours
 * it missed are read from the calls.
 */
export class RollupRefresher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopping = false;

  constructor(
    private readonly rollups: ClickHouseRollups,
    private readonly everyMs: number,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  start(): void {
    if (this.timer !== null) return;
    this.stopping = false;
    this.timer = setInterval(() => this.tick(), this.everyMs);
    this.timer.unref();
    this.tick();
  }

  /** Stops; a run in progress ends after the query it is in. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private tick(): void {
    if (this.running !== null) return;
    this.running = this.rollups
      .refresh(Math.min(SETTLED_MS, this.everyMs), () => this.stopping)
      .catch((err) => {
        if (!this.stopping) this.onError(err);
      })
      .finally(() => {
        this.running = null;
      });
  }
}
