import type Database from 'better-sqlite3';
import { hourOf } from './rollup-writer.js';

/**
 * Distinct (service, span name) pairs counted by name per project and hour; spans of further
 * pairs are counted under their service with the name ''. Span names are meant to be few (the
 * OpenTelemetry conventions keep ids out of them); this keeps a service that puts ids in its
 * names from growing the table by a row per span.
 */
export const MAX_NAMES_PER_HOUR = 1000;
/** (project, hour)s whose pairs are remembered at once (the hours being written to). */
const HOURS_REMEMBERED = 64;

interface NameDelta {
  readonly projectId: number;
  readonly hour: number;
  readonly service: string;
  readonly name: string;
  spans: number;
}

const HOUR_NS = 3_600_000_000_000n;

/**
 * Keeps `span_name_rollups` in step with the spans stored and deleted: counts are gathered per
 * row during a batch and applied at its end, one UPSERT per row. Gathering costs a few map
 * lookups per span: no string is built, and a span's hour is computed only when it leaves the
 * previous span's hour.
 */
export class SpanNameWriter {
  /** Per project and hour (`project · 2²² + hour`), per service, per name. */
  private readonly pending = new Map<number, Map<string, Map<string, NameDelta>>>();
  /** The hour of the last span added, and its bounds in ns. */
  private hour = -1;
  private hourStart = 0n;
  private hourEnd = 0n;
  /** Per `${project}:${hour}`, the pairs that have a row (as `service\0name`). */
  private readonly known = new Map<string, Set<string>>();
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      upsert: db.prepare(
        `INSERT INTO span_name_rollups (project_id, hour, service, name, spans) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (project_id, hour, service, name) DO UPDATE SET spans = spans + excluded.spans`,
      ),
      subtract: db.prepare('UPDATE span_name_rollups SET spans = spans - ? WHERE project_id = ? AND hour = ? AND service = ? AND name = ?'),
      deleteEmpty: db.prepare(
        'DELETE FROM span_name_rollups WHERE project_id = ? AND hour = ? AND service = ? AND name = ? AND spans <= 0',
      ),
      pairsOf: db.prepare('SELECT service || char(0) || name FROM span_name_rollups WHERE project_id = ? AND hour = ?').pluck(),
      spansOf: db
        .prepare('SELECT s.start_ns, r.service_name, s.name FROM spans s JOIN resources r ON r.id = s.resource_id WHERE s.trace_key = ?')
        .raw()
        .safeIntegers(true),
    };
  }

  /** A span was stored. */
  add(projectId: number, start: bigint, service: string, name: string, sign: 1 | -1 = 1): void {
    if (start < this.hourStart || start >= this.hourEnd) {
      this.hour = hourOf(start);
      this.hourStart = BigInt(this.hour) * HOUR_NS;
      this.hourEnd = this.hourStart + HOUR_NS;
    }
    const hour = this.hour;
    const k = projectId * 4_194_304 + hour;
    let services = this.pending.get(k);
    if (!services) this.pending.set(k, (services = new Map()));
    let names = services.get(service);
    if (!names) services.set(service, (names = new Map()));
    const d = names.get(name);
    if (d) d.spans += sign;
    else names.set(name, { projectId, hour, service, name, spans: sign });
  }

  /** The spans of a trace about to be deleted. */
  removeTrace(projectId: number, traceKey: number): void {
    for (const [start, service, name] of this.stmts.spansOf.all(traceKey) as [bigint, string, string][])
      this.add(projectId, start, service, name, -1);
  }

  /** Applies the gathered counts (inside the batch's transaction). */
  flush(): void {
    for (const services of this.pending.values()) for (const names of services.values()) for (const d of names.values()) this.apply(d);
    this.pending.clear();
  }

  private apply(d: NameDelta): void {
    if (d.spans > 0) {
      const name = this.admit(d) ? d.name : '';
      this.stmts.upsert.run(d.projectId, d.hour, d.service, name, d.spans);
    } else if (d.spans < 0) {
      // A span counted without its name (over the cap) is taken from the '' row.
      let name = d.name;
      if (this.stmts.subtract.run(-d.spans, d.projectId, d.hour, d.service, name).changes === 0) {
        name = '';
        this.stmts.subtract.run(-d.spans, d.projectId, d.hour, d.service, name);
      }
      this.stmts.deleteEmpty.run(d.projectId, d.hour, d.service, name);
    }
  }

  /** Forgets what was gathered or learnt in a transaction that rolled back. */
  reset(): void {
    this.pending.clear();
    this.known.clear();
  }

  /** Whether the pair has, or may have, a row of its own in its hour. */
  private admit(d: NameDelta): boolean {
    const hourKey = `${d.projectId}:${d.hour}`;
    let pairs = this.known.get(hourKey);
    if (!pairs) {
      pairs = new Set(this.stmts.pairsOf.all(d.projectId, d.hour) as string[]);
      if (this.known.size >= HOURS_REMEMBERED) this.known.delete(this.known.keys().next().value as string);
      this.known.set(hourKey, pairs);
    }
    const pair = `${d.service}\u0000${d.name}`;
    if (pairs.has(pair)) return true;
    if (pairs.size >= MAX_NAMES_PER_HOUR) return false;
    pairs.add(pair);
    return true;
  }
}
