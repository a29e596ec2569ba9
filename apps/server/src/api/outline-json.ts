import type { ServerResponse } from 'node:http';
import type { TraceOutline } from '@sightline/storage';
import { JsonStream } from '../http/json-stream.js';
import { traceSummaryToJson } from './span-json.js';

/** Values written per flush of a column: a few milliseconds of work. */
const VALUES_PER_FLUSH = 20_000;

/**
 * `GET /api/traces/{trace_id}/outline`: a trace's skeleton for drawing its tree and timeline,
 * in columns (span `i` is index `i` of each array, spans in start order):
 *
 *     {"trace": <summary>, "start_time": "<ISO of the trace's start>",
 *      "spans": {"count", "span_id", "parent", "name", "service", "kind", "status",
 *                "start_ms", "duration_ms", "call"},
 *      "calls": {"count", "model", "provider", "input_tokens", "output_tokens",
 *                "cache_read_tokens", "cost_usd", "ttft_ms", "counted", "is_error"},
 *      "strings": [...]}
 *
 * `parent` and `call` are indexes (-1: none); `name`, `service`, `model`, `provider` index
 * `strings` (-1: unknown); `kind` and `status` are OTLP's numbers; `start_ms` is from the
 * trace's start. Unknown numbers are null. Written column by column, a slice at a time.
 */
export async function streamOutline(res: ServerResponse, outline: TraceOutline): Promise<void> {
  const o = outline;
  const t0 = o.summary.startTimeUnixNano;
  const out = new JsonStream(res);
  out.write(`{"trace":${JSON.stringify(traceSummaryToJson(o.summary))},"spans":{"count":${o.count}`);
  await column(out, 'span_id', o.count, (i) => `"${o.spanIds.slice(i * 16, i * 16 + 16)}"`);
  await column(out, 'parent', o.count, (i) => String(o.parents[i]));
  await column(out, 'name', o.count, (i) => String(o.names[i]));
  await column(out, 'service', o.count, (i) => String(o.services[i]));
  await column(out, 'kind', o.count, (i) => String(o.kinds[i]));
  await column(out, 'status', o.count, (i) => String(o.statuses[i]));
  await column(out, 'start_ms', o.count, (i) => ms((o.starts[i] as bigint) - t0));
  await column(out, 'duration_ms', o.count, (i) => ms((o.ends[i] as bigint) - (o.starts[i] as bigint)));
  await column(out, 'call', o.count, (i) => String(o.callOf[i]));
  const c = o.calls;
  out.write(`},"calls":{"count":${c.count}`);
  await column(out, 'model', c.count, (i) => String(c.models[i]));
  await column(out, 'provider', c.count, (i) => String(c.providers[i]));
  await column(out, 'input_tokens', c.count, (i) => num(c.inputTokens[i] as number));
  await column(out, 'output_tokens', c.count, (i) => num(c.outputTokens[i] as number));
  await column(out, 'cache_read_tokens', c.count, (i) => num(c.cacheReadTokens[i] as number));
  await column(out, 'cost_usd', c.count, (i) => num(c.costUsd[i] as number));
  await column(out, 'ttft_ms', c.count, (i) => num(c.ttftMs[i] as number));
  await column(out, 'counted', c.count, (i) => (c.counted[i] ? 'true' : 'false'));
  await column(out, 'is_error', c.count, (i) => (c.isError[i] ? 'true' : 'false'));
  out.write(`},"strings":${JSON.stringify(o.strings)},"start_time":${JSON.stringify(traceSummaryToJson(o.summary).start_time)}}`);
  await out.end();
}

async function column(out: JsonStream, name: string, count: number, value: (i: number) => string): Promise<void> {
  out.write(`,"${name}":[`);
  for (let i = 0; i < count; i++) {
    out.write(i === 0 ? value(i) : `,${value(i)}`);
    if (i % VALUES_PER_FLUSH === VALUES_PER_FLUSH - 1) await out.flush();
  }
  out.write(']');
}

/** Nanoseconds as milliseconds with microsecond precision. */
function ms(ns: bigint): string {
  return String(Number(ns / 1000n) / 1000);
}

function num(v: number): string {
  return Number.isNaN(v) ? 'null' : String(v);
}
