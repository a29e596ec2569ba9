import { type Span, StatusCode } from '@sightline/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidCursorError, StorageClosedError } from '../errors.js';
import type { AttributeFilter, TraceQuery } from '../query.js';
import type { SpanTreeNode, StoredSpan, TraceSummary } from '../results.js';
import type { Storage } from '../storage.js';
import { describeAccessConformance } from './access-conformance.js';
import { describeCallConformance, ingestCalls, llmSpan, logRecord } from './call-conformance.js';
import { purgerOf } from './capabilities.js';
import { describeDashboardConformance } from './dashboard-conformance.js';
import { describeOtelMetricsConformance, metricPoint } from './otel-metrics-conformance.js';
import { describeSearchConformance } from './search-conformance.js';
import { attrs, buildSpan, buildTrace, hexId, T0 } from './span-builder.js';

const MS = 1_000_000n;

/**
 * The behaviour every storage backend must have. A backend's test file calls this with a
 * function that opens a fresh, empty store; the suite closes it after each test.
 */
export function describeStorageConformance(backend: string, open: () => Promise<Storage>): void {
  describe(`${backend} storage conformance`, () => {
    let store: Storage;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close().catch(() => undefined);
    });

    const write = (spans: Span[], project = 'default') => store.writer.write([{ project, spans }]);
    const purger = () => purgerOf(store);
    const find = (q: Partial<TraceQuery> = {}) => store.reader.findTraces({ project: 'default', limit: 100, ...q });
    const ids = (list: TraceSummary[]) => list.map((t) => t.traceId);

    describe('writing and reading back', () => {
      it('returns every field of a span as written', async () => {
        const span = buildSpan({
          name: 'chat gpt-4o',
          kind: 3,
          status: 'error',
          statusMessage: 'rate limited',
          parentSpanId: hexId(16),
          attributes: {
            str: 'héllo 世界 <b>x</b> "q"',
            int: 24n,
            big: -9223372036854775808n,
            dbl: 0.25,
            whole: 3,
            nan: Number.NaN,
            bool: false,
            bytes: Uint8Array.from([0, 1, 255]),
            arr: ['a', 1n, 2.5, true, null],
            kv: attrs({ nested: attrs({ deep: 'yes' }), $ref: 'dollar' }),
            empty: null,
            'key "with" quotes': 'q',
            $dollar: 'd',
            ['__proto__']: 'proto',
          },
          resourceAttributes: { 'service.version': '1.2.3', 'host.cores': 8n },
          events: [
            {
              timeUnixNano: T0 + 5n,
              name: 'gen_ai.content.prompt',
              attributes: attrs({ 'gen_ai.prompt': '[]', n: 1n }),
              droppedAttributesCount: 2,
            },
          ],
          links: [
            {
              traceId: hexId(32),
              spanId: hexId(16),
              traceState: 'k=v',
              attributes: attrs({ why: 'retry' }),
              droppedAttributesCount: 1,
              flags: 0x301,
            },
          ],
          scope: {
            name: '@example/instrumentation',
            version: '9.9.9',
            attributes: attrs({ 'scope.attr': true }),
            droppedAttributesCount: 4,
            schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
          },
        });
        const full: Span = {
          ...span,
          traceState: 'rojo=00f067aa0ba902b7',
          flags: 0x301,
          droppedAttributesCount: 3,
          droppedEventsCount: 4,
          droppedLinksCount: 5,
          resource: { ...span.resource, droppedAttributesCount: 6, schemaUrl: 'https://opentelemetry.io/schemas/1.25.0' },
        };
        await write([full]);
        const detail = await store.reader.getTrace({ project: 'default', traceId: full.traceId });
        expect(detail?.spans).toHaveLength(1);
        const got = detail?.spans[0] as StoredSpan;
        expect(got.project).toBe('default');
        const { project: _p, ...rest } = got;
        expect(Number.isNaN(rest.attributes.nan)).toBe(true);
        expect({ ...rest, attributes: { ...rest.attributes, nan: 0 } }).toEqual({ ...full, attributes: { ...full.attributes, nan: 0 } });
        expect(typeof got.attributes.whole).toBe('number');
        expect(typeof got.attributes.int).toBe('bigint');
        expect(Object.getOwnPropertyDescriptor(got.attributes, '__proto__')?.value).toBe('proto');
      });

      it('stores a retried span once and counts it as a duplicate', async () => {
        const spans = buildTrace(5);
        expect(await write(spans)).toEqual({ stored: 5, duplicates: 0, logsStored: 0, metricPointsStored: 0 });
        expect(await write([...spans.slice(0, 2), buildSpan({ traceId: spans[0]?.traceId, parentSpanId: spans[0]?.spanId })])).toEqual({
          stored: 1,
          duplicates: 2,
          logsStored: 0,
          metricPointsStored: 0,
        });
        const detail = await store.reader.getTrace({ project: 'default', traceId: spans[0]?.traceId as string });
        expect(detail?.spans).toHaveLength(6);
        expect(detail?.summary.spanCount).toBe(6);
      });

      it('counts a span repeated inside one batch once', async () => {
        const [span] = buildTrace(1);
        expect(await write([span as Span, span as Span])).toEqual({ stored: 1, duplicates: 1, logsStored: 0, metricPointsStored: 0 });
      });

      it('counts a group repeated inside one batch (a retry queued beside its first attempt) once, logs too', async () => {
        const spans = buildTrace(3);
        const logs = [logRecord(spans[0] as Span, 'gen_ai.user.message', attrs({ content: 'hi' }))];
        const group = { project: 'default', spans, logs };
        expect(await store.writer.write([group, group])).toEqual({ stored: 3, duplicates: 3, logsStored: 1, metricPointsStored: 0 });
        expect((await find()).items.map((t) => t.spanCount)).toEqual([3]);
      });

      it('returns null for an unknown trace', async () => {
        expect(await store.reader.getTrace({ project: 'default', traceId: hexId(32) })).toBeNull();
      });

      it('orders a trace’s spans by start time', async () => {
        const spans = buildTrace(6);
        await write([...spans].reverse());
        const detail = await store.reader.getTrace({ project: 'default', traceId: spans[0]?.traceId as string });
        expect(detail?.spans.map((s) => s.spanId)).toEqual(spans.map((s) => s.spanId));
      });

      it('keeps projects apart', async () => {
        const spans = buildTrace(3);
        await write(spans, 'alpha');
        await write(spans.slice(0, 1), 'beta');
        const traceId = spans[0]?.traceId as string;
        expect((await store.reader.getTrace({ project: 'alpha', traceId }))?.spans).toHaveLength(3);
        expect((await store.reader.getTrace({ project: 'beta', traceId }))?.spans).toHaveLength(1);
        expect(await store.reader.getTrace({ project: 'gamma', traceId })).toBeNull();
        expect(ids((await find({ project: 'beta' })).items)).toEqual([traceId]);
        expect((await find({ project: 'gamma' })).items).toEqual([]);
        expect(await store.reader.getSpanTree({ project: 'gamma', spanId: spans[0]?.spanId as string })).toBeNull();
      });

      it('refuses to work after close', async () => {
        await store.close();
        await expect(write(buildTrace(1))).rejects.toThrow(StorageClosedError);
      });
    });

    describe('trace summaries', () => {
      it('summarizes root, service, times, counts and errors', async () => {
        const spans = buildTrace(4, { service: 'api', name: 'POST /chat' });
        spans[2] = { ...(spans[2] as Span), status: { code: StatusCode.ERROR, message: 'boom' } };
        await write(spans);
        const [summary] = (await find()).items;
        expect(summary).toEqual({
          project: 'default',
          traceId: spans[0]?.traceId,
          rootSpanId: spans[0]?.spanId,
          rootSpanName: 'POST /chat',
          rootIsComplete: true,
          serviceName: 'api',
          startTimeUnixNano: T0,
          endTimeUnixNano: T0 + 14n * MS,
          spanCount: 4,
          errorCount: 1,
          llmCallCount: 0,
          inputTokens: null,
          outputTokens: null,
          totalTokens: null,
          costUsd: null,
          sessionId: null,
          userId: null,
        });
      });

      it('uses the earliest span until the root arrives, then the root', async () => {
        const spans = buildTrace(3, { startMs: 100 });
        await write(spans.slice(1));
        let [summary] = (await find()).items;
        expect(summary?.rootSpanId).toBe(spans[1]?.spanId);
        expect(summary?.rootIsComplete).toBe(false);
        await write(spans.slice(0, 1));
        [summary] = (await find()).items;
        expect(summary?.rootSpanId).toBe(spans[0]?.spanId);
        expect(summary?.rootIsComplete).toBe(true);
        expect(summary?.spanCount).toBe(3);
      });

      it('grows a trace written across many batches', async () => {
        const spans = buildTrace(30);
        for (let i = 0; i < spans.length; i += 7) await write(spans.slice(i, i + 7));
        const [summary] = (await find()).items;
        expect(summary?.spanCount).toBe(30);
        expect(summary?.endTimeUnixNano).toBe(T0 + 40n * MS);
      });
    });

    describe('trace layouts, read a slice at a time', () => {
      it('give a trace’s spans in start order as keys that read back as getTrace gives them', async () => {
        const spans = buildTrace(12);
        await write(spans);
        const traceId = spans[0]?.traceId as string;
        const layout = await store.reader.getTraceLayout({ project: 'default', traceId });
        const detail = await store.reader.getTrace({ project: 'default', traceId });
        expect(layout?.summary).toEqual(detail?.summary);
        const keys = layout?.keys ?? [];
        const slices = [await store.reader.readSpans('default', keys.slice(0, 5)), await store.reader.readSpans('default', keys.slice(5))];
        expect(slices.flat()).toEqual(detail?.spans);
        // Told the keys' trace, as a caller holding its layout can: the same spans.
        expect(await store.reader.readSpans('default', keys, traceId)).toEqual(detail?.spans);
      });

      it('give a tree depth first, with depths, as getSpanTree nests it', async () => {
        const spans = buildTrace(9);
        await write(spans);
        const spanId = spans[0]?.spanId as string;
        for (const maxDepth of [undefined, 1]) {
          const layout = await store.reader.getTreeLayout({ project: 'default', spanId, maxDepth });
          const tree = await store.reader.getSpanTree({ project: 'default', spanId, maxDepth });
          const expected: [string, number][] = [];
          const stack: [SpanTreeNode, number][] = tree ? [[tree, 0]] : [];
          for (let top = stack.pop(); top; top = stack.pop()) {
            expected.push([top[0].span.spanId, top[1]]);
            for (const child of [...top[0].children].reverse()) stack.push([child, top[1] + 1]);
          }
          const read = await store.reader.readSpans('default', layout?.keys ?? []);
          expect(read.map((s, i) => [s?.spanId, layout?.depths[i]])).toEqual(expected);
          // A backend that names the tree's trace reads the same spans by it.
          if (layout?.traceId !== undefined) expect(layout.traceId).toBe(spans[0]?.traceId);
          expect(await store.reader.readSpans('default', layout?.keys ?? [], layout?.traceId)).toEqual(read);
        }
      });

      it('outline a trace: every span’s place, name, service, kind, status and times, in start order', async () => {
        const spans = buildTrace(6, { service: 'gateway' });
        spans[3] = { ...(spans[3] as Span), status: { code: StatusCode.ERROR, message: 'boom' }, kind: 3 };
        await write(spans);
        const traceId = spans[0]?.traceId as string;
        const outline = await store.reader.getTraceOutline({ project: 'default', traceId });
        const detail = await store.reader.getTrace({ project: 'default', traceId });
        expect(outline?.summary).toEqual(detail?.summary);
        expect(outline?.count).toBe(6);
        const o = outline as NonNullable<typeof outline>;
        const ordered = detail?.spans ?? [];
        for (let i = 0; i < o.count; i++) {
          const span = ordered[i] as StoredSpan;
          expect(o.spanIds.slice(i * 16, i * 16 + 16)).toBe(span.spanId);
          const parent = o.parents[i] as number;
          expect(parent < 0 ? null : o.spanIds.slice(parent * 16, parent * 16 + 16)).toBe(span.parentSpanId);
          expect(o.strings[o.names[i] as number]).toBe(span.name);
          expect(o.strings[o.services[i] as number]).toBe('gateway');
          expect([o.kinds[i], o.statuses[i]]).toEqual([span.kind, span.status.code]);
          expect([o.starts[i], o.ends[i]]).toEqual([span.startTimeUnixNano, span.endTimeUnixNano]);
          expect(o.callOf[i]).toBe(-1);
        }
        expect(o.calls.count).toBe(0);
        expect(await store.reader.getTraceOutline({ project: 'other', traceId })).toBeNull();
      });

      it('read one span of a trace, and nothing of another project’s', async () => {
        const spans = buildTrace(3);
        await write(spans);
        const q = { traceId: spans[0]?.traceId as string, spanId: spans[1]?.spanId as string };
        expect((await store.reader.getSpan({ project: 'default', ...q }))?.name).toBe(spans[1]?.name);
        expect(await store.reader.getSpan({ project: 'other', ...q })).toBeNull();
        expect(await store.reader.getSpan({ project: 'default', ...q, spanId: hexId(16) })).toBeNull();
      });

      it('keep projects apart, and answer null for what another project holds', async () => {
        const spans = buildTrace(3);
        await write(spans, 'other');
        const spanId = spans[2]?.spanId as string;
        expect(await store.reader.getTreeLayout({ project: 'default', spanId })).toBeNull();
        expect(await store.reader.getTraceLayout({ project: 'default', traceId: spans[0]?.traceId as string })).toBeNull();
        const layout = await store.reader.getTraceLayout({ project: 'other', traceId: spans[0]?.traceId as string });
        const keys = layout?.keys ?? [];
        expect(await store.reader.readSpans('default', keys)).toEqual([null, null, null]);
        expect((await store.reader.readSpans('other', keys)).map((s) => s?.spanId)).toEqual(spans.map((s) => s.spanId));
      });
    });

    describe('finding traces', () => {
      let a: Span[];
      let b: Span[];
      let c: Span[];
      beforeEach(async () => {
        a = buildTrace(3, { service: 'gateway', startMs: 0, name: 'GET /a' });
        a[1] = {
          ...(a[1] as Span),
          name: 'chat',
          attributes: attrs({
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.usage.input_tokens': 24n,
            'gen_ai.request.temperature': 0.2,
            'gen_ai.response.finish_reasons': ['stop'],
            stream: true,
          }),
        };
        b = buildTrace(5, { service: 'worker', startMs: 1000, name: 'job', resourceAttributes: { 'deployment.environment': 'prod' } });
        b[2] = {
          ...(b[2] as Span),
          name: 'chat',
          status: { code: StatusCode.ERROR, message: '429' },
          attributes: attrs({
            'gen_ai.request.model': 'claude-3-5-sonnet',
            'gen_ai.usage.input_tokens': 1500n,
            'gen_ai.request.temperature': 1,
            stream: false,
          }),
        };
        c = buildTrace(2, { service: 'gateway', startMs: 2000, name: 'GET /c' });
        c[1] = {
          ...(c[1] as Span),
          attributes: attrs({ 'gen_ai.request.model': 'GPT-4o-mini', 'gen_ai.response.finish_reasons': ['length', 'stop'] }),
        };
        await write([...a, ...b, ...c]);
      });
      const t = (spans: Span[]) => spans[0]?.traceId as string;
      const byAttr = (filter: Omit<AttributeFilter, 'target'> & { target?: 'span' | 'resource' }) =>
        find({ attributes: [{ target: 'span', ...filter }] }).then((p) => ids(p.items));

      it('lists newest first by default', async () => {
        expect(ids((await find()).items)).toEqual([t(c), t(b), t(a)]);
      });

      it('filters by start time range (from inclusive, to exclusive)', async () => {
        expect(ids((await find({ startFrom: T0 + 1000n * MS })).items)).toEqual([t(c), t(b)]);
        expect(ids((await find({ startTo: T0 + 1000n * MS })).items)).toEqual([t(a)]);
        expect(ids((await find({ startFrom: T0 + 500n * MS, startTo: T0 + 2000n * MS })).items)).toEqual([t(b)]);
      });

      it('filters by any span’s service, span name and status', async () => {
        expect(ids((await find({ service: 'gateway' })).items)).toEqual([t(c), t(a)]);
        expect(ids((await find({ spanName: 'chat' })).items)).toEqual([t(b), t(a)]);
        expect(ids((await find({ status: 'error' })).items)).toEqual([t(b)]);
        expect(ids((await find({ service: 'nobody' })).items)).toEqual([]);
      });

      it('needs all span conditions to hold on one span', async () => {
        expect(ids((await find({ spanName: 'chat', status: 'error' })).items)).toEqual([t(b)]);
        expect(
          ids((await find({ spanName: 'GET /a', attributes: [{ target: 'span', key: 'gen_ai.request.model', op: 'exists' }] })).items),
        ).toEqual([]);
      });

      it('filters by trace duration', async () => {
        // a lasts 13 ms, b 15 ms, c 12 ms
        expect(ids((await find({ minDurationNs: 13n * MS })).items)).toEqual([t(b), t(a)]);
        expect(ids((await find({ maxDurationNs: 13n * MS })).items)).toEqual([t(c), t(a)]);
      });

      it('filters attributes with eq and ne, matching numbers spelled as text', async () => {
        expect(await byAttr({ key: 'gen_ai.request.model', op: 'eq', value: 'gpt-4o' })).toEqual([t(a)]);
        expect(await byAttr({ key: 'gen_ai.usage.input_tokens', op: 'eq', value: '24' })).toEqual([t(a)]);
        expect(await byAttr({ key: 'gen_ai.usage.input_tokens', op: 'eq', value: 24 })).toEqual([t(a)]);
        expect(await byAttr({ key: 'gen_ai.request.temperature', op: 'eq', value: 1 })).toEqual([t(b)]);
        expect(await byAttr({ key: 'stream', op: 'eq', value: 'true' })).toEqual([t(a)]);
        expect(await byAttr({ key: 'stream', op: 'eq', value: false })).toEqual([t(b)]);
        expect(await byAttr({ key: 'gen_ai.request.model', op: 'ne', value: 'gpt-4o' })).toEqual([t(c), t(b)]);
      });

      it('compares numbers as numbers and strings as strings', async () => {
        expect(await byAttr({ key: 'gen_ai.usage.input_tokens', op: 'gt', value: '100' })).toEqual([t(b)]);
        expect(await byAttr({ key: 'gen_ai.usage.input_tokens', op: 'gte', value: 24 })).toEqual([t(b), t(a)]);
        expect(await byAttr({ key: 'gen_ai.usage.input_tokens', op: 'lt', value: 1500 })).toEqual([t(a)]);
        expect(await byAttr({ key: 'gen_ai.usage.input_tokens', op: 'lte', value: '1500' })).toEqual([t(b), t(a)]);
        expect(await byAttr({ key: 'gen_ai.request.temperature', op: 'lt', value: 0.5 })).toEqual([t(a)]);
        expect(await byAttr({ key: 'gen_ai.request.model', op: 'gt', value: 'd' })).toEqual([t(a)]);
        expect(await byAttr({ key: 'gen_ai.request.model', op: 'gt', value: 5 })).toEqual([]);
      });

      it('finds text inside strings (ignoring case) and elements of arrays', async () => {
        expect(await byAttr({ key: 'gen_ai.request.model', op: 'contains', value: 'gpt-4O' })).toEqual([t(c), t(a)]);
        expect(await byAttr({ key: 'gen_ai.response.finish_reasons', op: 'contains', value: 'stop' })).toEqual([t(c), t(a)]);
        expect(await byAttr({ key: 'gen_ai.response.finish_reasons', op: 'contains', value: 'length' })).toEqual([t(c)]);
        expect(await byAttr({ key: 'gen_ai.request.model', op: 'contains', value: '%' })).toEqual([]);
        expect(await byAttr({ key: 'gen_ai.request.model', op: 'contains', value: '_' })).toEqual([]);
      });

      it('tests presence with exists', async () => {
        expect(await byAttr({ key: 'gen_ai.response.finish_reasons', op: 'exists' })).toEqual([t(c), t(a)]);
        expect(await byAttr({ key: 'nope', op: 'exists' })).toEqual([]);
      });

      it('filters on keys with quotes, backslashes, dollars and dots', async () => {
        const odd = buildTrace(1, { attributes: { 'k "q"': 'v1', 'back\\slash': 'v2', $dollar: 'v3', 'a.b': 'v4' }, startMs: 5000 });
        await write(odd);
        for (const [key, value] of [
          ['k "q"', 'v1'],
          ['back\\slash', 'v2'],
          ['$dollar', 'v3'],
          ['a.b', 'v4'],
        ] as const) {
          expect(await byAttr({ key, op: 'eq', value }), key).toEqual([t(odd)]);
        }
        expect(await byAttr({ key: 'a', op: 'exists' })).toEqual([]);
      });

      it('filters traces with many distinct attribute values as well as small ones', async () => {
        const many = buildTrace(600, { startMs: 9000 }).map((s, i) => ({
          ...s,
          attributes: attrs({ 'request.id': `req-${i}-${'x'.repeat(24)}`, n: BigInt(i) }),
        }));
        await write(many);
        expect(await byAttr({ key: 'request.id', op: 'eq', value: `req-555-${'x'.repeat(24)}` })).toEqual([t(many)]);
        expect(await byAttr({ key: 'n', op: 'eq', value: 599 })).toEqual([t(many)]);
        expect(await byAttr({ key: 'request.id', op: 'eq', value: 'req-600' })).toEqual([]);
      });

      it('filters long strings (a prompt, a document) as it filters short ones', async () => {
        const prompt = `Summarize this refund policy for a customer. ${'Terms and conditions apply. '.repeat(40)}Thank you.`;
        const other = `${'x'.repeat(600)}y`;
        const long = buildTrace(1, { attributes: { 'gen_ai.prompt': prompt, $note: other }, startMs: 7000 });
        await write(long);
        expect(await byAttr({ key: 'gen_ai.prompt', op: 'eq', value: prompt })).toEqual([t(long)]);
        expect(await byAttr({ key: 'gen_ai.prompt', op: 'eq', value: 'Summarize' })).toEqual([]);
        expect(await byAttr({ key: 'gen_ai.prompt', op: 'contains', value: 'REFUND policy' })).toEqual([t(long)]);
        expect(await byAttr({ key: 'gen_ai.prompt', op: 'ne', value: 'Summarize' })).toEqual([t(long)]);
        expect(await byAttr({ key: 'gen_ai.prompt', op: 'gt', value: 'Summarize' })).toEqual([t(long)]);
        expect(await byAttr({ key: 'gen_ai.prompt', op: 'lt', value: 'Summarize' })).toEqual([]);
        expect(await byAttr({ key: '$note', op: 'eq', value: other })).toEqual([t(long)]);
        expect(await byAttr({ key: '$note', op: 'contains', value: 'xy' })).toEqual([t(long)]);
      });

      it('filters on resource attributes', async () => {
        expect(await byAttr({ target: 'resource', key: 'deployment.environment', op: 'eq', value: 'prod' })).toEqual([t(b)]);
        expect(await byAttr({ target: 'resource', key: 'service.name', op: 'eq', value: 'gateway' })).toEqual([t(c), t(a)]);
      });

      it('orders by start time, duration, span count or trace id, either way', async () => {
        expect(ids((await find({ orderBy: { field: 'start_time', direction: 'asc' } })).items)).toEqual([t(a), t(b), t(c)]);
        expect(ids((await find({ orderBy: { field: 'duration', direction: 'desc' } })).items)).toEqual([t(b), t(a), t(c)]);
        expect(ids((await find({ orderBy: { field: 'span_count', direction: 'asc' } })).items)).toEqual([t(c), t(a), t(b)]);
        expect(ids((await find({ orderBy: { field: 'trace_id', direction: 'asc' } })).items)).toEqual([t(a), t(b), t(c)].sort());
        expect(ids((await find({ orderBy: { field: 'error_count', direction: 'desc' } })).items)[0]).toBe(t(b));
      });
    });

    describe('paging', () => {
      it('walks every trace exactly once with limit and cursor, under any order', async () => {
        const traces = Array.from({ length: 23 }, (_, i) => buildTrace(1 + (i % 4), { startMs: Math.floor(i / 3) * 10 }));
        await write(traces.flat());
        for (const orderBy of [
          { field: 'start_time', direction: 'desc' },
          { field: 'start_time', direction: 'asc' },
          { field: 'span_count', direction: 'desc' },
          { field: 'duration', direction: 'asc' },
        ] as const) {
          const seen: string[] = [];
          let cursor: string | undefined;
          let pages = 0;
          do {
            const page = await find({ limit: 5, cursor, orderBy });
            expect(page.items.length).toBeLessThanOrEqual(5);
            seen.push(...ids(page.items));
            cursor = page.nextCursor ?? undefined;
            pages++;
          } while (cursor);
          expect(pages).toBe(5);
          expect(new Set(seen).size).toBe(23);
          expect(seen).toEqual(ids((await find({ limit: 100, orderBy })).items));
        }
      });

      it('has no next cursor on the last page', async () => {
        await write([...buildTrace(1), ...buildTrace(1)]);
        expect((await find({ limit: 2 })).nextCursor).toBeNull();
        expect((await find({ limit: 1 })).nextCursor).not.toBeNull();
      });

      it('pages by offset', async () => {
        const traces = Array.from({ length: 6 }, (_, i) => buildTrace(1, { startMs: i }));
        await write(traces.flat());
        const all = ids((await find()).items);
        expect(ids((await find({ offset: 2, limit: 3 })).items)).toEqual(all.slice(2, 5));
      });

      it('refuses a cursor it did not issue or issued for another order', async () => {
        await write([...buildTrace(1), ...buildTrace(1)]);
        const page = await find({ limit: 1 });
        await expect(find({ cursor: 'garbage' })).rejects.toThrow(InvalidCursorError);
        await expect(find({ cursor: page.nextCursor as string, orderBy: { field: 'duration', direction: 'asc' } })).rejects.toThrow(
          InvalidCursorError,
        );
      });
    });

    describe('span trees', () => {
      it('nests descendants under the span, each with its status', async () => {
        const spans = buildTrace(7, { fanout: 2 });
        spans[3] = { ...(spans[3] as Span), status: { code: StatusCode.ERROR, message: 'x' } };
        await write(spans);
        const tree = await store.reader.getSpanTree({ project: 'default', spanId: spans[1]?.spanId as string });
        expect(tree?.span.spanId).toBe(spans[1]?.spanId);
        expect(tree?.children.map((c) => c.span.spanId)).toEqual([spans[3]?.spanId, spans[4]?.spanId]);
        expect(tree?.children[0]?.span.status.code).toBe(StatusCode.ERROR);
        expect(tree?.children[0]?.children).toEqual([]);
      });

      it('stops at max depth', async () => {
        const spans = buildTrace(15, { fanout: 2 });
        await write(spans);
        const root = spans[0]?.spanId as string;
        const depth = (n: { children: unknown[] }): number => 1 + Math.max(0, ...(n.children as { children: unknown[] }[]).map(depth));
        expect(depth((await store.reader.getSpanTree({ project: 'default', spanId: root })) as never)).toBe(4);
        expect((await store.reader.getSpanTree({ project: 'default', spanId: root, maxDepth: 0 }))?.children).toEqual([]);
        expect(depth((await store.reader.getSpanTree({ project: 'default', spanId: root, maxDepth: 1 })) as never)).toBe(2);
      });

      it('returns only the attributes asked for', async () => {
        const spans = buildTrace(2, { attributes: { keep: 'yes', drop: 'no', n: 1n } });
        await write(spans);
        const tree = await store.reader.getSpanTree({
          project: 'default',
          spanId: spans[0]?.spanId as string,
          attributeKeys: ['keep', 'n', 'absent'],
        });
        expect({ ...tree?.span.attributes }).toEqual({ keep: 'yes', n: 1n });
        expect({ ...tree?.children[0]?.span.attributes }).toEqual({ keep: 'yes', n: 1n });
      });

      it('returns null for an unknown span', async () => {
        expect(await store.reader.getSpanTree({ project: 'default', spanId: hexId(16) })).toBeNull();
      });

      it('handles a deep trace', async () => {
        const spans = buildTrace(2000, { fanout: 1 });
        await write(spans);
        let node = await store.reader.getSpanTree({ project: 'default', spanId: spans[0]?.spanId as string });
        let levels = 0;
        while (node) {
          levels++;
          node = node.children[0] ?? null;
        }
        expect(levels).toBe(2000);
      });
    });

    describeCallConformance(() => store);
    describeDashboardConformance(() => store);
    describeSearchConformance(() => store);
    describeOtelMetricsConformance(() => store);
    describeAccessConformance(() => store);

    describe('deletion', () => {
      const callGroup = (project: string, spans: Span[]) => ({ project, spans, calls: ingestCalls(spans) });

      it('deletes traces by id, with their calls, logs and totals, and nothing of another project', async () => {
        const gone = llmSpan({ session: 'conv-1', input: 100, output: 10 });
        const kept = llmSpan({ session: 'conv-1', input: 50, output: 5, startMs: 10 });
        const other = llmSpan({ traceId: gone.traceId, spanId: gone.spanId, session: 'conv-1' });
        await store.writer.write([callGroup('default', [gone]), callGroup('default', [kept]), callGroup('other', [other])]);
        expect(await purger().deleteTraces('default', [gone.traceId, hexId(32)])).toBe(1);
        expect(await store.reader.getTrace({ project: 'default', traceId: gone.traceId })).toBeNull();
        expect(await store.calls.getCall({ project: 'default', spanId: gone.spanId })).toBeNull();
        expect(await store.reader.getTrace({ project: 'default', traceId: kept.traceId })).not.toBeNull();
        expect(await store.reader.getTrace({ project: 'other', traceId: gone.traceId })).not.toBeNull();
        const totals = (await store.calls.metrics({ project: 'default' })).total;
        expect(totals.calls).toBe(1);
        expect(totals.inputTokens).toBe(50);
        const sessions = await store.calls.findSessions({ project: 'default', limit: 10 });
        expect(sessions.items.map((x) => [x.sessionId, x.callCount])).toEqual([['conv-1', 1]]);
        expect(await purger().deleteTraces('nobody', [gone.traceId])).toBe(0);
        expect(await purger().dataProjects()).toEqual(expect.arrayContaining(['default', 'other']));
      });

      it('takes a deleted trace’s log record again when it is sent again', async () => {
        const span = buildSpan();
        const record = logRecord(span, 'e', 'again');
        await store.writer.write([{ project: 'default', spans: [span], logs: [record] }]);
        expect(await purger().deleteTraces('default', [span.traceId])).toBe(1);
        const again = await store.writer.write([{ project: 'default', spans: [span], logs: [record] }]);
        expect(again).toMatchObject({ stored: 1, logsStored: 1 });
      });

      it('deletes traces past each project’s cutoff, oldest first, a bounded step at a time', async () => {
        const at = (ms: number, project: string) => ({ project, spans: buildTrace(2, { startMs: ms }) });
        await store.writer.write([at(0, 'default'), at(1, 'default'), at(2, 'default'), at(3, 'default'), at(0, 'other')]);
        const cutoff = T0 + 2_500_000n; // 2.5 ms after T0: the traces of 0, 1 and 2 ms are past it
        const cutoffs = [{ project: 'default', beforeUnixNano: cutoff }];
        expect(await purger().deleteOlderThan(cutoffs, 2)).toEqual({ traces: 2, spans: 4, logs: 0, metricPoints: 0 });
        expect(await purger().deleteOlderThan(cutoffs, 2)).toEqual({ traces: 1, spans: 2, logs: 0, metricPoints: 0 });
        expect(await purger().deleteOlderThan(cutoffs, 2)).toEqual({ traces: 0, spans: 0, logs: 0, metricPoints: 0 });
        expect((await find()).items).toHaveLength(1);
        expect((await store.reader.findTraces({ project: 'other', limit: 10 })).items).toHaveLength(1);
      });

      it('deletes log records and metric points past the cutoff too, and a trace’s logs with it', async () => {
        const old = buildSpan({ startMs: 0 });
        const lone = buildSpan({ startMs: 0 });
        const kept = buildSpan({ startMs: 10_000 });
        await store.writer.write([
          { project: 'default', spans: [old], logs: [logRecord(old, 'e', 'of the old trace')] },
          // A record of a trace whose spans never came, and one of a kept trace.
          { project: 'default', spans: [], logs: [logRecord(lone, 'e', 'orphan'), logRecord(kept, 'e', 'kept')] },
          { project: 'default', spans: [kept] },
          { project: 'default', spans: [], metrics: [metricPoint(0), metricPoint(20)] },
          { project: 'other', spans: [], logs: [logRecord(lone, 'e', 'another project')], metrics: [metricPoint(0)] },
        ]);
        const cutoff = T0 + 5_000_000_000n;
        const step = await purger().deleteOlderThan([{ project: 'default', beforeUnixNano: cutoff }], 10);
        expect(step).toMatchObject({ traces: 1, spans: 1, metricPoints: 1 });
        const logsOf = (project: string, span: Span) => store.calls.findLogs({ project, traceId: span.traceId, limit: 10 });
        expect(await logsOf('default', old)).toEqual([]);
        expect(await logsOf('default', lone)).toEqual([]);
        expect((await logsOf('default', kept)).map((l) => l.body)).toEqual(['kept']);
        expect((await logsOf('other', lone)).map((l) => l.body)).toEqual(['another project']);
        const metrics = store.otelMetrics;
        if (metrics) {
          expect((await metrics.list('default', 0n, T0 + 3_600_000_000_000n)).map((m) => m.pointCount)).toEqual([1]);
          expect((await metrics.list('other', 0n, T0 + 3_600_000_000_000n)).map((m) => m.pointCount)).toEqual([1]);
        }
      });
    });

    describe('expiry', () => {
      it('deletes traces whose spans have all expired, and only those', async () => {
        const keep = buildTrace(2);
        const expire = buildTrace(3);
        const mixed = buildTrace(2);
        await store.writer.write([
          { project: 'default', spans: keep },
          { project: 'default', spans: expire, expiresAtUnixNano: 1000n },
          { project: 'default', spans: mixed.slice(0, 1), expiresAtUnixNano: 1000n },
          { project: 'default', spans: mixed.slice(1) },
        ]);
        expect(await purger().deleteExpired(999n)).toBe(0);
        expect(await purger().deleteExpired(1000n)).toBe(3);
        expect(ids((await find()).items).sort()).toEqual([keep[0]?.traceId, mixed[0]?.traceId].sort());
        expect(await store.reader.getSpanTree({ project: 'default', spanId: expire[0]?.spanId as string })).toBeNull();
      });
    });
  });
}
