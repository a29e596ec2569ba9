import type { ServerResponse } from 'node:http';
import { encodeTracesJson } from '@sightline/core';
import { pickAttributes, type StoredSpan, type TraceLayout, type TraceReader, type TreeLayout } from '@sightline/storage';
import { JsonStream } from '../http/json-stream.js';
import { spanToJson, traceSummaryToJson } from './span-json.js';

/** Spans read, turned into JSON and sent per slice: a few milliseconds of work each. */
const SLICE = 500;

/**
 * `{"trace": <summary>, "spans": [...]}` for a trace of any size, spans by start time — the
 * bytes `JSON.stringify` would write — read and sent a slice at a time.
 */
export async function streamTrace(res: ServerResponse, reader: TraceReader, project: string, order: TraceLayout): Promise<void> {
  const out = new JsonStream(res);
  out.write(`{"trace":${JSON.stringify(traceSummaryToJson(order.summary))},"spans":[`);
  let first = true;
  await forEachSlice(reader, project, order.keys, order.summary.traceId, async (spans) => {
    for (const span of spans) {
      if (span === null) continue;
      out.write(first ? JSON.stringify(spanToJson(span)) : `,${JSON.stringify(spanToJson(span))}`);
      first = false;
    }
    await out.flush();
  });
  out.write(']}');
  await out.end();
}

/**
 * The trace as an OTLP/JSON `ExportTraceServiceRequest` on one line — what `POST /v1/traces`
 * takes back, every value with its type — read and sent a slice of spans at a time (each slice
 * its own resource entries, which OTLP allows).
 */
export async function streamTraceOtlpJson(res: ServerResponse, reader: TraceReader, project: string, order: TraceLayout): Promise<void> {
  const out = new JsonStream(res);
  out.write('{"resourceSpans":[');
  let first = true;
  await forEachSlice(reader, project, order.keys, order.summary.traceId, async (spans) => {
    const present = spans.filter((s): s is StoredSpan => s !== null);
    if (present.length === 0) return;
    const entries = JSON.stringify(encodeTracesJson(present).resourceSpans).slice(1, -1);
    out.write(first ? entries : `,${entries}`);
    first = false;
    await out.flush();
  });
  out.write(']}');
  await out.end();
}

/**
 * A span with its descendants nested under `children` (each span as {@link spanToJson} gives
 * it plus `children` last, children by start time: the bytes `JSON.stringify` would write for
 * that nested object), for a tree of any size and depth: written in the depth-first order the
 * backend laid out, a slice of spans at a time, closing and opening `children` lists by
 * depth — no walk recurses, as a trace's depth is up to its sender.
 */
export async function streamSpanTree(
  res: ServerResponse,
  reader: TraceReader,
  project: string,
  order: TreeLayout,
  attributeKeys?: readonly string[],
  toJson: (span: StoredSpan) => object = spanToJson,
): Promise<void> {
  const out = new JsonStream(res);
  let open = -1;
  let previous = -1;
  let at = 0;
  await forEachSlice(reader, project, order.keys, order.traceId, async (spans) => {
    for (const span of spans) {
      const depth = order.depths[at++] ?? 0;
      // A span gone since the layout is left out (traces are deleted whole, so rarely any).
      if (span === null) continue;
      for (; open >= depth; open--) out.write(']}');
      if (previous >= depth) out.write(',');
      const shown = attributeKeys ? { ...span, attributes: pickAttributes(span.attributes, attributeKeys) } : span;
      // A span's own JSON is a non-empty object: reopen it to append `children`.
      out.write(`${JSON.stringify(toJson(shown)).slice(0, -1)},"children":[`);
      open = depth;
      previous = depth;
    }
    await out.flush();
  });
  for (; open >= 0; open--) out.write(']}');
  await out.end();
}

/**
 * `{"data": {span_id: span, …}}` — a tree as one flat object, parents before their children —
 * written a slice of spans at a time, whatever the tree's size.
 */
export async function streamSpanMap(
  res: ServerResponse,
  reader: TraceReader,
  project: string,
  order: TreeLayout,
  toJson: (span: StoredSpan) => object,
): Promise<void> {
  const out = new JsonStream(res);
  out.write('{"data":{');
  let first = true;
  await forEachSlice(reader, project, order.keys, order.traceId, async (spans) => {
    for (const span of spans) {
      if (span === null) continue;
      out.write(`${first ? '' : ','}${JSON.stringify(span.spanId)}:${JSON.stringify(toJson(span))}`);
      first = false;
    }
    await out.flush();
  });
  out.write('}}');
  await out.end();
}

/** Reads `keys` (of trace `traceId`, when known) a slice at a time, in order, handing each slice's spans to `use`. */
async function forEachSlice(
  reader: TraceReader,
  project: string,
  keys: readonly number[],
  traceId: string | undefined,
  use: (spans: (StoredSpan | null)[]) => Promise<void>,
): Promise<void> {
  for (let at = 0; at < keys.length; at += SLICE) await use(await reader.readSpans(project, keys.slice(at, at + SLICE), traceId));
}
