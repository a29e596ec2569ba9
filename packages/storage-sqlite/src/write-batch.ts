import { type Span, StatusCode, serviceNameOf } from '@sightline/core';
import type { SpanGroup, WriteResult } from '@sightline/storage';
import { isBetterRoot } from '@sightline/storage';
import type Database from 'better-sqlite3';
import type { Dimensions } from './dimensions.js';
import { hexToBlob } from './ids.js';
import { SPAN_COLUMNS, spanParams } from './span-rows.js';

/** A trace row being updated by one batch. */
interface TraceAggregate {
  key: number;
  start: bigint;
  end: bigint;
  spanCount: number;
  errorCount: number;
  root: { spanId: string; parentSpanId: string | null; startTimeUnixNano: bigint; name: string; service: string } | null;
  /** undefined: not set yet (a new trace); null: some span never expires. */
  expiresAt: bigint | null | undefined;
  changed: boolean;
}

interface TraceRow {
  id: bigint;
  start_ns: bigint;
  end_ns: bigint;
  span_count: bigint;
  error_count: bigint;
  root_span_id: Buffer;
  root_name: string;
  root_service: string;
  root_start_ns: bigint;
  root_is_complete: bigint;
  expires_at_ns: bigint | null;
}

/**
 * Writes batches of spans in one transaction each: resolves projects, resources, scopes and
 * trace rows, inserts spans (`INSERT OR IGNORE` makes retries harmless) and updates each
 * touched trace's summary from the spans that were really inserted.
 */
export class BatchWriter {
  private readonly insertSpan: Database.Statement;
  private readonly selectTrace: Database.Statement;
  private readonly insertTrace: Database.Statement;
  private readonly updateTrace: Database.Statement;
  private readonly transaction: (batch: readonly SpanGroup[]) => WriteResult;

  constructor(
    db: Database.Database,
    private readonly dims: Dimensions,
  ) {
    this.insertSpan = db.prepare(
      `INSERT OR IGNORE INTO spans (${SPAN_COLUMNS.join(', ')}) VALUES (${SPAN_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.selectTrace = db
      .prepare(
        `SELECT id, start_ns, end_ns, span_count, error_count, root_span_id, root_name, root_service, root_start_ns, root_is_complete, expires_at_ns
         FROM traces WHERE project_id = ? AND trace_id = ?`,
      )
      .safeIntegers(true);
    this.insertTrace = db.prepare(
      `INSERT INTO traces (project_id, trace_id, start_ns, end_ns, span_count, error_count, root_span_id, root_name, root_service, root_start_ns, root_is_complete)
       VALUES (?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?)`,
    );
    this.updateTrace = db.prepare(
      `UPDATE traces SET start_ns = ?, end_ns = ?, span_count = ?, error_count = ?, root_span_id = ?, root_name = ?, root_service = ?,
         root_start_ns = ?, root_is_complete = ?, expires_at_ns = ? WHERE id = ?`,
    );
    this.transaction = db.transaction((batch: readonly SpanGroup[]) => this.run(batch));
  }

  write(batch: readonly SpanGroup[]): WriteResult {
    try {
      return this.transaction(batch);
    } catch (err) {
      this.dims.reset();
      throw err;
    }
  }

  private run(batch: readonly SpanGroup[]): WriteResult {
    const traces = new Map<string, TraceAggregate>();
    let stored = 0;
    let duplicates = 0;
    for (const group of batch) {
      const projectId = this.dims.projectId(group.project, true) as number;
      const expiresAt = group.expiresAtUnixNano ?? null;
      for (const span of group.spans) {
        const mapKey = `${projectId}:${span.traceId}`;
        let agg = traces.get(mapKey);
        if (!agg) {
          agg = this.loadOrCreateTrace(projectId, span);
          traces.set(mapKey, agg);
        }
        const params = spanParams(span, agg.key, this.dims.resourceId(span.resource), this.dims.scopeId(span.scope));
        if (this.insertSpan.run(params).changes === 0) {
          duplicates++;
          continue;
        }
        stored++;
        absorb(agg, span, expiresAt);
      }
    }
    for (const agg of traces.values()) {
      if (!agg.changed || agg.root === null) continue;
      const r = agg.root;
      this.updateTrace.run(
        agg.start,
        agg.end,
        agg.spanCount,
        agg.errorCount,
        hexToBlob(r.spanId),
        r.name,
        r.service,
        r.startTimeUnixNano,
        r.parentSpanId === null ? 1 : 0,
        agg.expiresAt ?? null,
        agg.key,
      );
    }
    return { stored, duplicates };
  }

  private loadOrCreateTrace(projectId: number, span: Span): TraceAggregate {
    const traceBlob = hexToBlob(span.traceId);
    const row = this.selectTrace.get(projectId, traceBlob) as TraceRow | undefined;
    if (row) {
      return {
        key: Number(row.id),
        start: row.start_ns,
        end: row.end_ns,
        spanCount: Number(row.span_count),
        errorCount: Number(row.error_count),
        root: {
          spanId: row.root_span_id.toString('hex'),
          parentSpanId: row.root_is_complete ? null : 'unknown',
          startTimeUnixNano: row.root_start_ns,
          name: row.root_name,
          service: row.root_service,
        },
        expiresAt: row.expires_at_ns,
        changed: false,
      };
    }
    const key = Number(
      this.insertTrace.run(
        projectId,
        traceBlob,
        span.startTimeUnixNano,
        span.endTimeUnixNano,
        hexToBlob(span.spanId),
        span.name,
        serviceNameOf(span.resource),
        span.startTimeUnixNano,
        span.parentSpanId === null ? 1 : 0,
      ).lastInsertRowid,
    );
    return { key, start: 0n, end: 0n, spanCount: 0, errorCount: 0, root: null, expiresAt: undefined, changed: false };
  }
}

function absorb(agg: TraceAggregate, span: Span, expiresAt: bigint | null): void {
  agg.changed = true;
  if (agg.spanCount === 0 || span.startTimeUnixNano < agg.start) agg.start = span.startTimeUnixNano;
  if (span.endTimeUnixNano > agg.end) agg.end = span.endTimeUnixNano;
  agg.spanCount++;
  if (span.status.code === StatusCode.ERROR) agg.errorCount++;
  if (isBetterRoot(span, agg.root)) {
    agg.root = {
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      startTimeUnixNano: span.startTimeUnixNano,
      name: span.name,
      service: serviceNameOf(span.resource),
    };
  }
  if (agg.expiresAt === undefined) agg.expiresAt = expiresAt;
  else if (agg.expiresAt !== null) agg.expiresAt = expiresAt === null ? null : expiresAt > agg.expiresAt ? expiresAt : agg.expiresAt;
}
