import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { InvalidCursorError } from '@sightline/storage';
import { attrs, buildSpan, buildTrace, hexId } from '@sightline/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseSpans } from './clickhouse-spans.js';
import { connectClickHouse } from './connect.js';
import { migrate, SCHEMA_VERSION } from './schema/migrations.js';

/** Spans through a real ClickHouse engine: chdb, in-process, on a folder of its own. */
let dir: string;
let client: ClickHouseClient;
let spans: ClickHouseSpans;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sightline-clickhouse-'));
  client = await connectClickHouse({ chdbPath: join(dir, 'data') });
  await migrate(client);
  spans = new ClickHouseSpans(client);
}, 60_000);
afterAll(async () => {
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
});

const rawCount = async (traceId: string) => {
  const rs = await client.query({
    query: `SELECT count() AS n FROM spans WHERE trace_id = {t:String}`,
    query_params: { t: traceId },
    format: 'JSONEachRow',
  });
  return Number(((await rs.json()) as { n: string }[])[0]?.n);
};

describe('the ClickHouse schema', () => {
  it('migrates once, and again is a no-op', async () => {
    expect(await migrate(client)).toBe(SCHEMA_VERSION);
    const rs = await client.query({ query: 'SELECT count() AS n FROM schema_migrations', format: 'JSONEachRow' });
    expect(Number(((await rs.json()) as { n: string }[])[0]?.n)).toBe(SCHEMA_VERSION);
  });
});

describe('spans in ClickHouse', () => {
  it('reads back exactly what was written: big ints, bytes, nested values, events, links, resource and scope', async () => {
    const root = buildSpan({
      name: 'chat gpt-4o',
      attributes: { big: 2n ** 62n + 1n, f: 0.5, ok: true, bytes: new Uint8Array([0, 255]), list: ['a', 1n], map: { inner: 'x' } },
      events: [
        {
          timeUnixNano: 1_714_564_800_000_000_123n,
          name: 'gen_ai.content.prompt',
          attributes: attrs({ 'gen_ai.prompt': '<b>hi</b>' }),
          droppedAttributesCount: 1,
        },
      ],
      links: [
        {
          traceId: hexId(32),
          spanId: hexId(16),
          traceState: 'k=v',
          attributes: attrs({ why: 'retry' }),
          droppedAttributesCount: 0,
          flags: 1,
        },
      ],
      status: 'error',
      statusMessage: 'rate limited',
      resourceAttributes: { 'deployment.environment': 'prod' },
      scope: { name: '@example/agent', version: '2.0', attributes: attrs({ lib: 'x' }), droppedAttributesCount: 0, schemaUrl: 'https://s' },
    });
    const child = buildSpan({ traceId: root.traceId, parentSpanId: root.spanId, startMs: 1 });
    expect(await spans.write([{ project: 'p', spans: [child, root] }])).toEqual({ stored: 2, duplicates: 0 });
    expect(await spans.trace('p', root.traceId)).toEqual([
      { ...root, project: 'p' },
      { ...child, project: 'p' },
    ]);
    expect(await spans.span('p', root.traceId, child.spanId)).toEqual({ ...child, project: 'p' });
    expect(await spans.span('p', root.traceId, hexId(16))).toBeNull();
  });

  it('summarizes a trace from its spans, counting each span once', async () => {
    const trace = buildTrace(4, { service: 'checkout' });
    const failed = buildSpan({ traceId: trace[0]?.traceId, parentSpanId: trace[0]?.spanId, startMs: 2, status: 'error' });
    await spans.write([{ project: 'p', spans: [...trace, failed] }]);
    const detail = await spans.traceDetail('p', trace[0]?.traceId as string);
    expect(detail?.summary).toMatchObject({
      project: 'p',
      rootSpanId: trace[0]?.spanId,
      rootSpanName: 'root',
      rootIsComplete: true,
      serviceName: 'checkout',
      startTimeUnixNano: trace[0]?.startTimeUnixNano,
      spanCount: 5,
      errorCount: 1,
    });
    expect(await spans.traceDetail('p', hexId(32))).toBeNull();
  });

  it('lists a project’s traces newest first, a page at a time, by time, service and errors', async () => {
    const project = 'listing';
    const at = (ms: number, service: string, failed = false) => {
      const trace = buildTrace(2, { startMs: ms, service });
      if (failed)
        trace.push(buildSpan({ traceId: trace[0]?.traceId, parentSpanId: trace[0]?.spanId, startMs: ms + 1, status: 'error', service }));
      return trace;
    };
    const traces = [at(0, 'web'), at(100, 'api', true), at(200, 'web'), at(300, 'api'), at(400, 'web', true)];
    await spans.write([{ project, spans: traces.flat() }]);
    // The same spans again from a second writer: counted once all the same.
    const second = await connectClickHouse({ chdbPath: join(dir, 'data') });
    await new ClickHouseSpans(second).write([{ project, spans: traces.flat() }]);
    await second.close();
    const ids = (list: { traceId: string }[]) => list.map((t) => t.traceId);
    const idOf = (i: number) => traces[i]?.[0]?.traceId;

    const first = await spans.findTraces({ project, limit: 2 });
    expect(ids(first.items)).toEqual([idOf(4), idOf(3)]);
    const secondPage = await spans.findTraces({ project, limit: 2, cursor: first.nextCursor as string });
    expect(ids(secondPage.items)).toEqual([idOf(2), idOf(1)]);
    const last = await spans.findTraces({ project, limit: 2, cursor: secondPage.nextCursor as string });
    expect(ids(last.items)).toEqual([idOf(0)]);
    expect(last.nextCursor).toBeNull();

    expect(first.items[0]).toMatchObject({ spanCount: 3, errorCount: 1, rootSpanName: 'root', serviceName: 'web', rootIsComplete: true });
    expect(ids((await spans.findTraces({ project, limit: 10, service: 'api' })).items)).toEqual([idOf(3), idOf(1)]);
    expect(ids((await spans.findTraces({ project, limit: 10, errorsOnly: true })).items)).toEqual([idOf(4), idOf(1)]);
    const from = traces[1]?.[0]?.startTimeUnixNano as bigint;
    const to = traces[3]?.[0]?.startTimeUnixNano as bigint;
    expect(ids((await spans.findTraces({ project, limit: 10, from, to })).items)).toEqual([idOf(2), idOf(1)]);
    expect((await spans.findTraces({ project: 'nobody', limit: 10 })).items).toEqual([]);
    // A cursor is client input: one not made here is refused before it reaches the store.
    const forged = btoa(JSON.stringify(['start_time:desc', "1' OR 1=1", idOf(0)]));
    await expect(spans.findTraces({ project, limit: 2, cursor: forged })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('stores a retried request once and counts it as duplicates', async () => {
    const trace = buildTrace(5);
    await spans.write([{ project: 'p', spans: trace }]);
    expect(await spans.write([{ project: 'p', spans: trace }])).toEqual({ stored: 0, duplicates: 5 });
    expect(await spans.write([{ project: 'p', spans: [...trace, ...trace] }])).toEqual({ stored: 0, duplicates: 10 });
    expect(await rawCount(trace[0]?.traceId as string)).toBe(5);
  });

  it('reads one row per span when two writers stored the same spans at once, before any merge', async () => {
    const second = await connectClickHouse({ chdbPath: join(dir, 'data') });
    try {
      const trace = buildTrace(20);
      await Promise.all([
        spans.write([{ project: 'p', spans: trace }]),
        new ClickHouseSpans(second).write([{ project: 'p', spans: trace }]),
      ]);
      expect(await rawCount(trace[0]?.traceId as string)).toBeGreaterThanOrEqual(20);
      const read = await spans.trace('p', trace[0]?.traceId as string);
      expect(read.map((s) => s.spanId)).toEqual(trace.map((s) => s.spanId));
    } finally {
      await second.close();
    }
  });

  it('keeps projects apart: the same ids in another project are another trace', async () => {
    const trace = buildTrace(3);
    await spans.write([{ project: 'alpha', spans: trace }]);
    expect(await spans.trace('beta', trace[0]?.traceId as string)).toEqual([]);
    expect(await spans.write([{ project: 'beta', spans: trace.slice(0, 1) }])).toEqual({ stored: 1, duplicates: 0 });
    expect(await spans.trace('beta', trace[0]?.traceId as string)).toHaveLength(1);
    expect(await spans.trace('alpha', trace[0]?.traceId as string)).toHaveLength(3);
  });
});
