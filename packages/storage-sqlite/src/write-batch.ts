import { type CallTotals, NO_CALLS, type WriteResult } from '@sightline/storage';
import type Database from 'better-sqlite3';
import { CALLS_PER_TRACE, spanKey } from './call-ids.js';
import { num } from './call-rows.js';
import { idKey, stateFromEncoded } from './call-state.js';
import { CallWriter, type CostChange } from './call-writer.js';
import { DimensionWriter } from './dimension-writer.js';
import { type EncodedBatch, type EncodedGroup, type EncodedMetricPoint, I, ID_BYTES, INTS, STRINGS, T } from './encoded-batch.js';
import { FILTER_BLOOM_BYTES } from './filter-bloom.js';
import { IdIndex } from './id-index/id-index.js';
import { SpanNameWriter } from './span-name-writer.js';
import { absorbSpan, type TraceAggregate } from './trace-aggregate.js';
import { CALL_BYTES, SPAN_BYTES, TraceCache, traceWeight } from './trace-cache.js';
import type { Deleted, Deletion } from './writer-protocol.js';

/**
 * Estimated bytes of recently written traces kept between batches, and of the traces a batch
 * is changing at once (beyond it, the changed traces are written out and the batch goes on in
 * the same transaction). Together they keep the writer's heap bounded whatever the load: many
 * small traces, a few agent runs of thousands of calls, or one request of 100,000 traces.
 */
const CACHE_BYTES = 16 * 1024 * 1024;
const TOUCHED_BYTES = 16 * 1024 * 1024;
/** Metric series ids remembered by fingerprint (about 100 bytes each). */
const SERIES_ID_CACHE = 50_000;

interface TraceRow {
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
  llm_call_count: bigint;
  llm_error_count: bigint;
  input_tokens: bigint | null;
  output_tokens: bigint | null;
  total_tokens: bigint | null;
  cost_usd: number | null;
  session_id: string | null;
  user_id: string | null;
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
  private readonly traces = new TraceCache(CACHE_BYTES);
  private readonly stmts;
  private readonly seriesIds = new Map<string, number>();
  private readonly writeTx: (batch: EncodedBatch) => WriteResult;
  private readonly expireTx: (now: bigint) => number;
  private readonly deleteTx: (deletion: Deletion) => Deleted;
  private readonly costTx: (changes: readonly CostChange[]) => number;
  private readonly calls: CallWriter;
  private readonly spanNames: SpanNameWriter;

  constructor(db: Database.Database) {
    this.dims = new DimensionWriter(db);
    this.calls = new CallWriter(db);
    this.spanNames = new SpanNameWriter(db);
    this.traceIds = new IdIndex(db, 'trace', 20);
    this.spanIds = new IdIndex(db, 'span', 8);
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
      insertSearch: db.prepare('INSERT INTO span_search (rowid, text) VALUES (?, CAST(? AS TEXT))'),
      deleteSearch: db.prepare('DELETE FROM span_search WHERE rowid = ?'),
      spanCount: db.prepare('SELECT span_count FROM traces WHERE id = ?').pluck(),
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
      expiredCalls: db.prepare(`SELECT project_id, session_key, ${CALL_TOTAL_COLUMNS} FROM traces WHERE id = ?`).safeIntegers(true),
      expired: db
        .prepare('SELECT id FROM traces WHERE expires_at_ns IS NOT NULL AND expires_at_ns <= ? LIMIT 1000')
        .pluck()
        .safeIntegers(true),
      deleteSpans: db.prepare('DELETE FROM spans WHERE trace_key = ?'),
      deleteTrace: db.prepare('DELETE FROM traces WHERE id = ?'),
      minTraceKey: db.prepare('SELECT min(id) FROM traces').pluck(),
      projectByName: db.prepare('SELECT id FROM projects WHERE name = ?').pluck(),
      traceIdOf: db.prepare('SELECT trace_id FROM traces WHERE id = ?').pluck(),
      oldTraces: db
        .prepare('SELECT id FROM traces WHERE project_id = ? AND start_ns < ? ORDER BY start_ns LIMIT ?')
        .pluck()
        .safeIntegers(true),
      traceKeyOf: db.prepare('SELECT id FROM traces WHERE id = ? AND project_id = ? AND trace_id = ?').pluck().safeIntegers(true),
      deleteLogs: db.prepare('DELETE FROM logs WHERE trace_id = ? AND project_id = ?'),
      oldLogs: db.prepare('DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE project_id = ? AND time_ns < ? LIMIT ?)'),
      oldPoints: db.prepare(
        `DELETE FROM metric_points WHERE (series_id, time_ns) IN (
           SELECT p.series_id, p.time_ns FROM metric_series s JOIN metric_points p ON p.series_id = s.id
           WHERE s.project_id = ? AND p.time_ns < ? LIMIT ?)`,
      ),
    };
    this.writeTx = db.transaction((batch: EncodedBatch) => this.apply(batch));
    this.expireTx = db.transaction((now: bigint) => this.expire(now));
    this.deleteTx = db.transaction((deletion: Deletion) => this.applyDeletion(deletion));
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
    for (;;) {
      const removed = this.expireTx(now);
      if (removed < 0) break;
      total += removed;
    }
    return total;
  }

  /** Deletes traces by id or past retention, in one transaction (see `Storage.deleteTraces`, `deleteOlderThan`). */
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

  private applyDeletion(deletion: Deletion): Deleted {
    let traces = 0;
    let spans = 0;
    let logs = 0;
    let metricPoints = 0;
    if (deletion.kind === 'traces') {
      const projectId = this.stmts.projectByName.get(deletion.project) as number | undefined;
      if (projectId === undefined) return { traces, spans, logs, metricPoints };
      for (const hex of deletion.traceIds) {
        const traceId = Buffer.from(hex, 'hex');
        for (const key of this.traceIds.lookup(traceIndexKey(projectId, traceId))) {
          const found = this.stmts.traceKeyOf.get(key, projectId, traceId) as bigint | undefined;
          if (found === undefined) continue;
          spans += this.removeTrace(found);
          traces++;
        }
        // Records of a trace whose spans never arrived go too.
        logs += this.stmts.deleteLogs.run(traceId, projectId).changes;
      }
    } else {
      const most = deletion.maxTraces * 10;
      for (const cutoff of deletion.cutoffs) {
        const projectId = this.stmts.projectByName.get(cutoff.project) as number | undefined;
        if (projectId === undefined) continue;
        const ids = this.stmts.oldTraces.all(projectId, cutoff.beforeUnixNano, deletion.maxTraces - traces) as bigint[];
        for (const id of ids) {
          spans += this.removeTrace(id);
          traces++;
        }
        if (logs < most) logs += this.stmts.oldLogs.run(projectId, cutoff.beforeUnixNano, most - logs).changes;
        if (metricPoints < most) metricPoints += this.stmts.oldPoints.run(projectId, cutoff.beforeUnixNano, most - metricPoints).changes;
        if (traces >= deletion.maxTraces) break;
      }
    }
    this.calls.flush();
    this.spanNames.flush();
    return { traces, spans, logs, metricPoints };
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
      for (let i = 0; i < group.count; i++) {
        const at = i * ID_BYTES;
        const traceId = ids.subarray(at, at + 16);
        const spanId = ids.subarray(at + 16, at + 24);
        const n = i * INTS;
        const parentSpanId = ints[n + I.HasParent] ? ids.subarray(at + 24, at + 32) : null;
        const mapKey = `${projectId}:${idBuffer.toString('latin1', at, at + 16)}`;
        const t = i * STRINGS;
        const start = times[i * 2] as bigint;
        const end = times[i * 2 + 1] as bigint;
        let agg = touched.get(mapKey);
        if (!agg) {
          agg =
            this.traces.take(mapKey) ??
            this.loadTrace(projectId, traceId) ??
            this.createTrace(projectId, traceId, spanId, strings[t + T.Name] as string, start, end);
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
          if (text.length > 0) this.stmts.insertSearch.run(key, text);
        }
        const service = group.resources[ints[n + I.Resource] as number]?.serviceName ?? 'unknown_service';
        this.spanNames.add(projectId, start, service, strings[t + T.Name] as string);
        absorbSpan(
          agg,
          {
            spanId,
            parentSpanId,
            startTimeUnixNano: start,
            end,
            name: strings[t + T.Name] as string,
            service,
            statusCode: ints[n + I.StatusCode] as number,
            bloom: blooms.subarray(
              (ints[n + I.Bloom] as number) * FILTER_BLOOM_BYTES,
              ((ints[n + I.Bloom] as number) + 1) * FILTER_BLOOM_BYTES,
            ),
          },
          group.expiresAt,
        );
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
      }
      this.traces.put(mapKey, agg);
    }
    touched.clear();
    this.calls.flush();
    this.spanNames.flush();
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
    };
  }

  /** Removes a stored trace and its share of every total; returns how many spans went. */
  private removeTrace(id: bigint): number {
    const row = this.stmts.expiredCalls.get(id) as (TraceTotalsRow & { project_id: bigint; session_key: bigint | null }) | undefined;
    if (row) {
      this.calls.remove(Number(row.project_id), Number(id), {
        totals: totalsOf(row),
        sessionKey: row.session_key === null ? null : Number(row.session_key),
      });
      this.spanNames.removeTrace(Number(row.project_id), Number(id));
    }
    const spans = Math.min(Number(this.stmts.spanCount.get(id) ?? 0), CALLS_PER_TRACE);
    for (let ordinal = 0; ordinal < spans; ordinal++) this.stmts.deleteSearch.run(Number(id) * CALLS_PER_TRACE + ordinal);
    // The trace's log records go with it (expiry, retention and deletion alike).
    const traceId = this.stmts.traceIdOf.get(id) as Uint8Array | undefined;
    if (row && traceId) this.stmts.deleteLogs.run(traceId, row.project_id);
    const removed = this.stmts.deleteSpans.run(id).changes;
    this.stmts.deleteTrace.run(id);
    return removed;
  }

  /** One bounded round of deletion; -1 when nothing was left to delete. */
  private expire(now: bigint): number {
    const ids = this.stmts.expired.all(now) as bigint[];
    if (ids.length === 0) {
      const min = this.stmts.minTraceKey.get() as number | null;
      const floor = min ?? Number.MAX_SAFE_INTEGER;
      this.traceIds.dropBelow(floor);
      this.spanIds.dropBelow(floor);
      return -1;
    }
    let removed = 0;
    for (const id of ids) removed += this.removeTrace(id);
    this.calls.flush();
    this.spanNames.flush();
    this.traces.clear();
    return removed;
  }
}

const CALL_TOTAL_COLUMNS =
  'llm_call_count, llm_error_count, input_tokens, output_tokens, total_tokens, cost_usd, session_id, user_id, session_key';
const LOG_COLUMNS =
  'project_id, fingerprint, trace_id, span_id, time_ns, observed_ns, severity_number, severity_text, event_name, body, attributes, dropped_attributes_count, flags, resource_id, scope_id';

type TraceTotalsRow = Pick<
  TraceRow,
  'llm_call_count' | 'llm_error_count' | 'input_tokens' | 'output_tokens' | 'total_tokens' | 'cost_usd' | 'session_id' | 'user_id'
>;

function totalsOf(row: TraceTotalsRow): CallTotals {
  return {
    llmCallCount: Number(row.llm_call_count),
    errorCount: Number(row.llm_error_count),
    inputTokens: num(row.input_tokens),
    outputTokens: num(row.output_tokens),
    totalTokens: num(row.total_tokens),
    costUsd: num(row.cost_usd),
    sessionId: row.session_id,
    userId: row.user_id,
  };
}

/** The trace id index key: the project id (4 bytes, big-endian) then the 16-byte trace id. */
export function traceIndexKey(projectId: number, traceId: Uint8Array): Uint8Array {
  const key = new Uint8Array(20);
  new DataView(key.buffer).setUint32(0, projectId);
  key.set(traceId, 4);
  return key;
}
