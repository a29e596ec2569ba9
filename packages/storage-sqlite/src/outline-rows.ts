import { buildOutline, type OutlineCall, type OutlineColumns, type OutlineSpan } from '@sightline/storage';
import type Database from 'better-sqlite3';
import { firstCallId, lastCallId } from './call-ids.js';
import { num } from './call-rows.js';
import { blobToHex } from './ids.js';

type SpanRow = [Buffer, Buffer | null, string, string, bigint, bigint, bigint, bigint];
type CallRow = [
  Buffer,
  string | null,
  string | null,
  string | null,
  bigint | null,
  bigint | null,
  bigint | null,
  number | bigint | null,
  number | bigint | null,
  bigint,
  bigint,
];

/** Reads a trace's outline columns on a connection: its spans in start order and their calls. */
export class OutlineReader {
  private readonly spans;
  private readonly calls;

  constructor(db: Database.Database) {
    this.spans = db
      .prepare(
        `SELECT s.span_id, s.parent_span_id, s.name, r.service_name, s.kind, s.status_code, s.start_ns, s.end_ns
         FROM spans s JOIN resources r ON r.id = s.resource_id WHERE s.trace_key = ? ORDER BY s.start_ns, s.rowid`,
      )
      .raw()
      .safeIntegers(true);
    this.calls = db
      .prepare(
        `SELECT span_id, model, request_model, provider, input_tokens, output_tokens, cache_read_tokens, cost_usd, ttft_ms, counted, is_error
         FROM llm_calls WHERE id BETWEEN ? AND ?`,
      )
      .raw()
      .safeIntegers(true);
  }

  read(traceKey: number): OutlineColumns {
    const spans: OutlineSpan[] = (this.spans.all(traceKey) as SpanRow[]).map(([id, parent, name, service, kind, status, start, end]) => ({
      spanId: blobToHex(id),
      parentSpanId: parent === null ? null : blobToHex(parent),
      name,
      service,
      kind: Number(kind),
      status: Number(status),
      start,
      end,
    }));
    const calls: OutlineCall[] = (this.calls.all(firstCallId(traceKey), lastCallId(traceKey)) as CallRow[]).map(
      ([id, model, requestModel, provider, input, output, cacheRead, cost, ttft, counted, isError]) => ({
        spanId: blobToHex(id),
        model: model ?? requestModel,
        provider,
        inputTokens: num(input),
        outputTokens: num(output),
        cacheReadTokens: num(cacheRead),
        costUsd: num(cost),
        ttftMs: num(ttft),
        counted: counted === 1n,
        isError: isError === 1n,
      }),
    );
    return buildOutline(spans, calls);
  }
}
