import { NO_CALLS, type WriteResult } from '@sightline/storage';
import type Database from 'better-sqlite3';
import { spanKey } from './call-ids.js';
import { idKey, stateFromEncoded } from './call-state.js';
import { CallWriter, type CostChange } from './call-writer.js';
import { DimensionWriter } from './dimension-writer.js';
import { type EncodedBatch, type EncodedGroup, type EncodedMetricPoint, I, ID_BYTES, INTS, STRINGS, T } from './encoded-batch.js';
import { FILTER_BLOOM_BYTES } from './filter-bloom.js';
import { IdIndex } from './id-index/id-index.js';
import { SearchWriter } from './search-writer.js';
import { SpanNameWriter } from './span-name-writer.js';
import { type AbsorbedSpan, absorbSpan, type TraceAggregate } from './trace-aggregate.js';
import { CALL_BYTES, SPAN_BYTES, TraceCache, traceWeight } from './trace-cache.js';
import { TraceDeletion } from './trace-deletion.js';
import { CALL_TOTAL_COLUMNS, type TraceTotalsRow, totalsOf, traceIndexKey } from './trace-totals-row.js';
import type { Deleted, Deletion } from './writer-protocol.js';

/**
 * Estimated bytes of recently written traces kept between batches (see {@link TraceCache}: those
 * whose spans came in more than one batch, and the others), and of the traces a batch is
 * changing at once (beyond it, the changed traces are written out and the batch goes on in the
 * same transaction). Together they keep the writer's heap bounded whatever the load: many small
 * traces, a few agent runs of thousands of calls, or one request of 100,000 traces.
 *
 * Traces seen in one batch only get little room: under a load of whole traces (512-span
 * requests of 64 traces) a 16 MiB cache of them took a fifth of the process's CPU in the
 * writer's full collections; 4 agent runs of 4,000 calls each, exported 512 spans at a time,
 * need ~8 MiB.
 */
const RETURNING_CACHE_BYTES = 16 * 1024 * 1024;
const NEW_CACHE_BYTES = 2 * 1024 * 1024;
const TOUCHED_BYTES = 16 * 1024 * 1024;
/** Metric series ids remembered by fingerprint (about 100 bytes each). */
const SERIES_ID_CACHE = 50_000;

const NO_BYTES = new Uint8Array(0);

/** Whether the 16-byte trace ids at `a` and `b` in `ids` are the same. */
function sameTraceId(ids: Uint8Array, a: number, b: number): boolean {
  for (let k = 0; k < 16; k++) if (ids[a + k] !== ids[b + k]) return false;
  return true;
}

/** A row of `traces` as the writer reads it back. */
interface TraceRow extends TraceTotalsRow {
  id: bigint;
  start_ns: bigint;
  end_ns: bigint;
  span_count: bigint;
  error_count: bigint;
  root_span_id: Uint8Array;
  root_name: string;
  root_service: string;
  root_start_ns: bigint;
  root_is_complete: bigint;
  expires_at_ns: bigint | null;
  filter_bloom: Uint8Array | null;
  session_key: bigint | null;
}

/**
 * Applies encoded batches on the one connection that writes, one transaction per batch:
 * resolves projects, resources, scopes and traces, inserts spans (`INSERT OR IGNORE` makes
 * retries harmless), indexes new trace and span ids and new spans' search text, and updates
 * each touched trace's summary from the spans really inserted. Recently written traces are
 * cached, so spans that arrive after their siblings find their trace without a lookup.
 */
export class BatchWriter {
  private readonly dims: DimensionWriter;
  private readonly traceIds: IdIndex;
  private readonly spanIds: IdIndex;
  /** Spans' search texts not yet in the index: inserted last, when the batch's other rows are written. */
  private readonly search: SearchWriter;
  /** Each stored span as its trace's summary reads it: one record filled again per span (see `absorbSpan`). */
  private readonly absorbed: { -readonly [K in keyof AbsorbedSpan]: AbsorbedSpan[K] } = {
    spanId: NO_BYTES,
    parentSpanId: null,
    startTimeUnixNano: 0n,
    end: 0n,
    name: '',
    service: '',
    statusCode: 0,
    bloom: NO_BYTES,
    bloomAt: 0,
  };
  private readonly traces = new TraceCache(RETURNING_CACHE_BYTES, NEW_CACHE_BYTES);
  private readonly stmts;
  private readonly seriesIds = new Map<string, number>();
  private readonly writeTx: (batch: EncodedBatch) => WriteResult;
  private readonly expireTx: (now: bigint) => number;
  private readonly deleteTx: (deletion: Deletion) => Deleted;
  private readonly costTx: (changes: readonly CostChange[]) => number;
  private readonly calls: CallWriter;
  private readonly spanNames: SpanNameWriter;
  private readonly deletion: TraceDeletion;

  constructor(db: Database.Database) {
    this.dims = new DimensionWriter(db);
    this.calls = new CallWriter(db);
    this.spanNames = new SpanNameWriter(db);
    this.traceIds = new IdIndex(db, 'trace', 20);
    this.spanIds = new IdIndex(db, 'span', 8);
    this.search = new SearchWriter(db);
    this.stmts = {
      // Attributes arrive as UTF-8 bytes; CAST stores them as TEXT without a detour through a JS string.
      insertSpan: db.prepare(
        `INSERT OR IGNORE INTO spans VALUES (${[...Array(13).fill('?'), 'CAST(? AS TEXT)', ...Array(5).fill('?')].join(', ')})`,
      ),
      traceById: db
        .prepare(
          `SELECT id, start_ns, end_ns, span_count, error_count, root_span_id, root_name, root_service, root_start_ns, root_is_complete, expires_at_ns,
             filter_bloom, ${CALL_TOTAL_COLUMNS} FROM traces WHERE id = ? AND project_id = ? AND trace_id = ?`,
        )
        .safeIntegers(true),
      insertTrace: db.prepare(
        `INSERT INTO traces (project_id, trace_id, start_ns, end_ns, span_count, error_count, root_span_id, root_name, root_service, root_start_ns, root_is_complete)
         VALUES (?, ?, ?, ?, 0, 0, ?, ?, '', ?, 0)`,
      ),
      updateTrace: db.prepare(
        `UPDATE traces SET start_ns = ?, end_ns = ?, span_count = ?, error_count = ?, root_span_id = ?, root_name = ?, root_service = ?,
           root_start_ns = ?, root_is_complete = ?, expires_at_ns = ?, filter_bloom = ?, llm_call_count = ?, llm_error_count = ?,
           input_tokens = ?, output_tokens = ?, total_tokens = ?, cost_usd = ?, session_id = ?, user_id = ?, session_key = ? WHERE id = ?`,
      ),
      insertLog: db.prepare(
        `INSERT OR IGNORE INTO logs (${LOG_COLUMNS}) VALUES (${LOG_COLUMNS.split(',')
          .map(() => '?')
          .join(', ')})`,
      ),
      seriesId: db.prepare('SELECT id FROM metric_series WHERE project_id = ? AND fingerprint = ?').pluck(),
      insertSeries: db.prepare(
        `INSERT INTO metric_series (project_id, fingerprint, name, description, unit, kind, temporality, monotonic, resource_id, scope_id, attributes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertPoint: db.prepare(
        `INSERT OR IGNORE INTO metric_points (series_id, time_ns, start_ns, value, count, sum, min, max, distribution)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
    this.writeTx = db.transaction((batch: EncodedBatch) => this.apply(batch));
    this.deletion = new TraceDeletion(db, this.calls, this.spanNames, this.traceIds, this.spanIds);
    this.expireTx = db.transaction((now: bigint) => this.deletion.expire(now));
    this.deleteTx = db.transaction((deletion: Deletion) => this.deletion.apply(deletion));
    this.costTx = db.transaction((changes: readonly CostChange[]) => {
      this.calls.setCosts(changes);
      this.calls.flush();
      return changes.length;
    });
  }

  write(batch: EncodedBatch): WriteResult {
    try {
      return this.writeTx(batch);
    } catch (err) {
      this.forget();
      throw err;
    }
  }

  /** Sets new costs on stored calls and every total that includes them. */
  setCosts(changes: readonly CostChange[]): number {
    try {
      return this.costTx(changes);
    } finally {
      // Cached traces hold the old costs.
      this.traces.clear();
    }
  }

  /** A transaction rolled back: forget what was learnt inside it. */
  private forget(): void {
    this.search.reset();
    this.spanIds.reset();
    this.traceIds.reset();
    this.dims.reset();
    this.calls.reset();
    this.spanNames.reset();
    this.traces.clear();
    this.seriesIds.clear();
  }

  /** The id of a metric point's series, made on its first point. */
  private seriesIdOf(projectId: number, m: EncodedMetricPoint, resourceId: number, scopeId: number): number {
    const key = `${projectId}:${m.fingerprint}`;
    let id = this.seriesIds.get(key);
    if (id !== undefined) return id;
    id = this.stmts.seriesId.get(projectId, m.fingerprint) as number | undefined;
    id ??= Number(
      this.stmts.insertSeries.run(
        projectId,
        m.fingerprint,
        m.name,
        m.description,
        m.unit,
        m.kind,
        m.temporality,
        m.monotonic,
        resourceId,
        scopeId,
        m.attributes,
      ).lastInsertRowid,
    );
    if (this.seriesIds.size >= SERIES_ID_CACHE) this.seriesIds.clear();
    this.seriesIds.set(key, id);
    return id;
  }

  /** Deletes traces whose spans have all expired; returns how many spans went. */
  deleteExpired(now: bigint): number {
    let total = 0;
    try {
      for (;;) {
        const removed = this.expireTx(now);
        if (removed < 0) break;
        total += removed;
      }
    } finally {
      // Cached traces may be ones just deleted.
      this.traces.clear();
    }
    return total;
  }

  /** Deletes traces by id or past retention, in one transaction (see `Purger.deleteTraces`, `deleteOlderThan`). */
  delete(deletion: Deletion): Deleted {
    try {
      return this.deleteTx(deletion);
    } catch (err) {
      this.forget();
      throw err;
    } finally {
      this.traces.clear();
    }
  }

  private apply(batch: EncodedBatch): WriteResult {
    const touched = new Map<string, TraceAggregate>();
    let touchedBytes = 0;
    let stored = 0;
    let duplicates = 0;
    let logsStored = 0;
    let metricPointsStored = 0;
    for (const group of batch.groups) {
      const projectId = this.dims.projectId(group.project);
      const resourceIds = group.resources.map((r) => this.dims.resourceId(r));
      const scopeIds = group.scopes.map((s) => this.dims.scopeId(s));
      const { ids, times, ints, strings, attributes, offsets, blooms } = group;
      const callOf = group.calls?.callOf ?? null;
      const idBuffer = Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength);
      // A span of the same trace as the one before it (as SDKs send them) finds its trace without a lookup.
      let mapKey = '';
      let agg: TraceAggregate | undefined;
      for (let i = 0; i < group.count; i++) {
        const at = i * ID_BYTES;
        const spanId = ids.subarray(at + 16, at + 24);
        const n = i * INTS;
        const parentSpanId = ints[n + I.HasParent] ? ids.subarray(at + 24, at + 32) : null;
        const t = i * STRINGS;
        const start = times[i * 2] as bigint;
        const end = times[i * 2 + 1] as bigint;
        if (agg === undefined || !sameTraceId(ids, at, at - ID_BYTES)) {
          mapKey = `${projectId}:${idBuffer.toString('latin1', at, at + 16)}`;
          agg = touched.get(mapKey);
        }
        if (!agg) {
          const traceId = ids.subarray(at, at + 16);
          const earlier = this.traces.take(mapKey) ?? this.loadTrace(projectId, traceId);
          if (earlier) earlier.returning = true;
          agg = earlier ?? this.createTrace(projectId, traceId, spanId, strings[t + T.Name] as string, start, end);
          touched.set(mapKey, agg);
          touchedBytes += traceWeight(agg);
        }
        const changes = this.stmts.insertSpan.run(
          agg.key,
          spanId,
          parentSpanId,
          strings[t + T.Name],
          ints[n + I.Kind],
          start,
          end,
          ints[n + I.StatusCode],
          strings[t + T.StatusMessage],
          strings[t + T.TraceState],
          ints[n + I.Flags],
          resourceIds[ints[n + I.Resource] as number],
          scopeIds[ints[n + I.Scope] as number],
          attributes.subarray(offsets[i], offsets[i + 1]),
          ints[n + I.DroppedAttributes],
          strings[t + T.Events] || null,
          ints[n + I.DroppedEvents],
          strings[t + T.Links] || null,
          ints[n + I.DroppedLinks],
        ).changes;
        if (changes === 0) {
          duplicates++;
          continue;
        }
        stored++;
        this.spanIds.add(spanId, agg.key);
        // Before the span is absorbed, the trace's span count is the span's ordinal.
        const key = spanKey(agg.key, agg.spanCount);
        if (key !== null && group.search) {
          const text = group.search.text.subarray(group.search.offsets[i], group.search.offsets[i + 1]);
          if (text.length > 0) this.search.add(key, text);
        }
        const service = group.resources[ints[n + I.Resource] as number]?.serviceName ?? 'unknown_service';
        this.spanNames.add(projectId, start, service, strings[t + T.Name] as string);
        const absorbed = this.absorbed;
        absorbed.spanId = spanId;
        absorbed.parentSpanId = parentSpanId;
        absorbed.startTimeUnixNano = start;
        absorbed.end = end;
        absorbed.name = strings[t + T.Name] as string;
        absorbed.service = service;
        absorbed.statusCode = ints[n + I.StatusCode] as number;
        absorbed.bloom = blooms;
        absorbed.bloomAt = (ints[n + I.Bloom] as number) * FILTER_BLOOM_BYTES;
        absorbSpan(agg, absorbed, group.expiresAt);
        const callIndex = callOf === null ? -1 : (callOf[i] as number);
        const llmBefore = agg.llm;
        this.trackCall(agg, group, callIndex, key, service, spanId, parentSpanId, start);
        // A trace's call state read from disk just now weighs what it read.
        touchedBytes += agg.llm !== llmBefore ? traceWeight(agg) : SPAN_BYTES + (callIndex < 0 ? 0 : CALL_BYTES);
        if (touchedBytes > TOUCHED_BYTES) {
          // The other traces are written out; this one stays, however big: taking it out
          // would mean reading its state back for its very next span.
          touched.delete(mapKey);
          this.finish(touched);
          touched.set(mapKey, agg);
          touchedBytes = 0;
        }
      }
      for (const log of group.logs) {
        const values = [
          projectId,
          log.fingerprint,
          log.traceId,
          log.spanId,
          log.time,
          log.observed,
          log.severityNumber,
          log.severityText,
          log.eventName,
          log.body,
          log.attributes,
          log.droppedAttributesCount,
          log.flags,
          resourceIds[log.resource],
          scopeIds[log.scope],
        ];
        logsStored += this.stmts.insertLog.run(...values).changes;
      }
      for (const m of group.metrics) {
        const seriesId = this.seriesIdOf(projectId, m, resourceIds[m.resource] as number, scopeIds[m.scope] as number);
        metricPointsStored += this.stmts.insertPoint.run(
          seriesId,
          m.time,
          m.start,
          m.value,
          m.count,
          m.sum,
          m.min,
          m.max,
          m.distribution,
        ).changes;
      }
    }
    this.finish(touched);
    this.search.flush();
    return { stored, duplicates, logsStored, metricPointsStored };
  }

  /**
   * Writes what changed of the touched traces — their calls, sessions, rollups and summary
   * rows — and hands them to the cache. Inside the batch's transaction: a trace touched again
   * later in the batch is taken back from the cache (or read back from the database).
   */
  private finish(touched: Map<string, TraceAggregate>): void {
    for (const [mapKey, agg] of touched) {
      if (agg.llm?.dirty) this.calls.resolve(agg.projectId, agg.key, agg.llm, agg, agg.calls);
      else if (agg.calls.sessionKey !== null) this.calls.sessions.extend(agg.calls.sessionKey, agg);
      if (agg.root !== null) {
        const r = agg.root;
        const c = agg.calls.totals;
        this.stmts.updateTrace.run(
          agg.start,
          agg.end,
          agg.spanCount,
          agg.errorCount,
          r.spanId,
          r.name,
          r.service,
          r.startTimeUnixNano,
          r.parentSpanId === null ? 1 : 0,
          agg.expiresAt ?? null,
          agg.bloom,
          c.llmCallCount,
          c.errorCount,
          c.inputTokens,
          c.outputTokens,
          c.totalTokens,
          c.costUsd,
          c.sessionId,
          c.userId,
          agg.calls.sessionKey,
          agg.key,
        );
        this.calls.bounds.trace(agg.projectId, agg.key, agg.start, {
          durationNs: agg.end - agg.start,
          spanCount: agg.spanCount,
          errorCount: agg.errorCount,
          llmCallCount: c.llmCallCount,
          totalTokens: c.totalTokens,
          costUsd: c.costUsd,
        });
      }
      this.traces.put(mapKey, agg);
    }
    touched.clear();
    this.calls.flush();
    this.spanNames.flush();
    this.spanIds.flush();
    this.traceIds.flush();
  }

  /**
   * Keeps a trace's call state current as a span is stored: the span's parent, and its call if
   * it has one. A span in a trace with calls may change which of them count, so the trace is
   * marked for deciding again. A call takes its span's key as its id; without one it is not kept.
   */
  private trackCall(
    agg: TraceAggregate,
    group: EncodedGroup,
    callIndex: number,
    key: number | null,
    service: string,
    spanId: Uint8Array,
    parentSpanId: Uint8Array | null,
    start: bigint,
  ): void {
    const hasCalls = agg.calls.totals.llmCallCount > 0 || (agg.llm?.calls.size ?? 0) > 0;
    if (callIndex < 0 && !hasCalls) {
      agg.llm?.parents.set(idKey(spanId), parentSpanId === null ? -1 : idKey(parentSpanId));
      return;
    }
    // A trace read from disk: its state is read now, this span included (same transaction).
    if (!agg.llm) agg.llm = this.calls.load(agg.key);
    else agg.llm.parents.set(idKey(spanId), parentSpanId === null ? -1 : idKey(parentSpanId));
    agg.llm.dirty = true;
    if (callIndex < 0 || !group.calls || key === null) return;
    const state = stateFromEncoded({ calls: group.calls, index: callIndex, spanId }, key, service, start);
    agg.llm.calls.set(state.spanId, state);
  }

  private loadTrace(projectId: number, traceId: Uint8Array): TraceAggregate | null {
    for (const key of this.traceIds.lookup(traceIndexKey(projectId, traceId))) {
      const row = this.stmts.traceById.get(key, projectId, traceId) as TraceRow | undefined;
      if (!row) continue;
      return {
        key: Number(row.id),
        projectId,
        calls: { totals: totalsOf(row), sessionKey: row.session_key === null ? null : Number(row.session_key) },
        llm: null,
        start: row.start_ns,
        end: row.end_ns,
        spanCount: Number(row.span_count),
        errorCount: Number(row.error_count),
        root:
          row.span_count === 0n
            ? null
            : {
                spanId: row.root_span_id,
                // Only whether the root has a parent matters from here on.
                parentSpanId: row.root_is_complete ? null : row.root_span_id,
                startTimeUnixNano: row.root_start_ns,
                name: row.root_name,
                service: row.root_service,
              },
        expiresAt: row.span_count === 0n ? undefined : row.expires_at_ns,
        // A trace without a filter (none recorded) is saturated: never skipped.
        bloom: row.filter_bloom ? Uint8Array.from(row.filter_bloom) : new Uint8Array(FILTER_BLOOM_BYTES).fill(0xff),
        returning: true,
      };
    }
    return null;
  }

  private createTrace(
    projectId: number,
    traceId: Uint8Array,
    spanId: Uint8Array,
    name: string,
    start: bigint,
    end: bigint,
  ): TraceAggregate {
    const key = Number(this.stmts.insertTrace.run(projectId, traceId, start, end, spanId, name, start).lastInsertRowid);
    this.traceIds.add(traceIndexKey(projectId, traceId), key);
    return {
      key,
      projectId,
      calls: { totals: NO_CALLS, sessionKey: null },
      llm: CallWriter.empty(),
      start: 0n,
      end: 0n,
      spanCount: 0,
      errorCount: 0,
      root: null,
      expiresAt: undefined,
      bloom: new Uint8Array(FILTER_BLOOM_BYTES),
      returning: false,
    };
  }
}

const LOG_COLUMNS =
  'project_id, fingerprint, trace_id, span_id, time_ns, observed_ns, severity_number, severity_text, event_name, body, attributes, dropped_attributes_count, flags, resource_id, scope_id';
