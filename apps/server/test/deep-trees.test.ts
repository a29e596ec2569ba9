import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postTraces } from './support/fixtures.js';
import { json, postJson, startTestServer, type TestServer } from './support/test-server.js';

/** Deep enough that any recursion over the tree (building, walking, JSON) would overflow the stack. */
const DEPTH = 20_000;

let sl: TestServer;
let traceId: string;
let spanIds: string[];

/**
 * One trace of `count` spans as an OTLP/JSON export body; span `i` is a child of span
 * `parentOf(i)` and starts `i` ns after the first.
 */
function traceBody(count: number, parentOf: (i: number) => number | null): { traceId: string; body: string; spanIds: string[] } {
  const traceId = randomBytes(16).toString('hex');
  const ids = Array.from({ length: count }, () => randomBytes(8).toString('hex'));
  const start = BigInt(Date.now()) * 1_000_000n;
  const spans = ids.map((spanId, i) => {
    const parent = parentOf(i);
    return {
      traceId,
      spanId,
      parentSpanId: parent === null ? '' : ids[parent],
      name: `span ${i}`,
      kind: 1,
      startTimeUnixNano: String(start + BigInt(i)),
      endTimeUnixNano: String(start + BigInt(2 * count - i)),
      attributes: [
        { key: 'level', value: { intValue: String(i) } },
        { key: 'big', value: { intValue: '9007199254740993' } },
        { key: 'ratio', value: { doubleValue: 0.1 + i } },
        { key: '__proto__', value: { kvlistValue: { values: [{ key: 'text', value: { stringValue: 'é "quoted" \u2028' } }] } } },
      ],
    };
  });
  const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'deep' } }] };
  return { traceId, body: JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ spans }] }] }), spanIds: ids };
}

async function ingest(body: string): Promise<void> {
  const res = await postTraces(sl.otlpHttp, body);
  expect(res.status).toBe(200);
  expect(await json(res)).toEqual({});
}

/** Levels of a nested `children` tree, counted without recursion; checks each level's span id. */
function chainDepth(root: { span_id: string; children: unknown[] }, ids: readonly string[]): number {
  let depth = 0;
  let node: { span_id: string; children: unknown[] } | undefined = root;
  while (node) {
    expect(node.span_id).toBe(ids[depth]);
    depth++;
    expect(node.children.length).toBeLessThanOrEqual(1);
    node = node.children[0] as typeof node | undefined;
  }
  return depth;
}

beforeAll(async () => {
  sl = await startTestServer();
  const chain = traceBody(DEPTH, (i) => (i === 0 ? null : i - 1));
  traceId = chain.traceId;
  spanIds = chain.spanIds;
  await ingest(chain.body);
});
afterAll(() => sl.stop());

describe(`a trace nested ${DEPTH.toLocaleString('en')} levels deep`, () => {
  it('GET /api/spans/{span_id}/tree returns every level', async () => {
    const res = await fetch(`${sl.api}/api/spans/${spanIds[0]}/tree`);
    expect(res.status).toBe(200);
    expect(chainDepth(await json(res), spanIds)).toBe(DEPTH);
  });

  it('GET /api/spans/{span_id}/tree still stops at max_depth', async () => {
    const res = await fetch(`${sl.api}/api/spans/${spanIds[100]}/tree?max_depth=5`);
    expect(res.status).toBe(200);
    expect(chainDepth(await json(res), spanIds.slice(100))).toBe(6);
  });

  it('POST /v1/telemetry/get-span-tree returns every span', async () => {
    const { status, body } = await postJson(sl.api, '/v1/telemetry/get-span-tree', { span_id: spanIds[0] });
    expect(status).toBe(200);
    expect(Object.keys(body.data)).toEqual(spanIds);
    expect(body.data[spanIds[DEPTH - 1] as string].parent_span_id).toBe(spanIds[DEPTH - 2]);
  });

  it('POST /v1/telemetry/get-span-tree still stops at max_depth', async () => {
    const { status, body } = await postJson(sl.api, '/v1/telemetry/get-span-tree', { span_id: spanIds[100], max_depth: 5 });
    expect(status).toBe(200);
    expect(Object.keys(body.data)).toEqual(spanIds.slice(100, 105));
  });

  it('GET /api/traces/{trace_id} returns every span', async () => {
    const trace = await json(await fetch(`${sl.api}/api/traces/${traceId}`));
    expect(trace.trace.span_count).toBe(DEPTH);
    expect(trace.spans).toHaveLength(DEPTH);
  });
});

describe('a tree of ordinary depth', () => {
  it('is written byte for byte as JSON.stringify writes the spans of its trace nested under children', async () => {
    const tree = traceBody(40, (i) => (i === 0 ? null : Math.floor((i - 1) / 3)));
    await ingest(tree.body);
    const { spans } = await json(await fetch(`${sl.api}/api/traces/${tree.traceId}`));
    type Node = { span_id: string; parent_span_id: string | null; start_time: string; children: Node[] };
    const nodes = new Map<string, Node>(spans.map((s: Node) => [s.span_id, { ...s, children: [] }]));
    for (const node of [...nodes.values()].sort((a, b) => a.start_time.localeCompare(b.start_time)))
      if (node.parent_span_id !== null) nodes.get(node.parent_span_id)?.children.push(node);

    const res = await fetch(`${sl.api}/api/spans/${tree.spanIds[0]}/tree`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(JSON.stringify(nodes.get(tree.spanIds[0] as string)));
  });
});
