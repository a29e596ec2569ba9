import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { StorageUnavailableError, type WriteGroup } from '@sightline/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { referenceSpans } from '../../../testing/reference-spans.js';
import { postTraces } from './support/fixtures.js';
import { gatedStorage } from './support/gated-storage.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

const hasSpanNamed = (batch: readonly WriteGroup[], name: string) => batch.some((g) => g.spans.some((s) => s.name === name));

function requestBody(seed: number, name?: string): Uint8Array {
  const spans = referenceSpans(3, seed).map((s) => (name ? Object.assign(s, { name }) : s));
  return ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array;
}

const post = (sl: TestServer, body: Uint8Array) => postTraces(sl.otlpHttp, body);

/** Waits until the server holds `spans` spans accepted and not yet committed. */
async function untilPending(sl: TestServer, spans: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await getJson(sl.api, '/healthz')).body.ingest.pending_spans >= spans) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('requests did not arrive');
}

let sl: TestServer | undefined;
afterEach(async () => {
  await sl?.stop();
  sl = undefined;
});

describe('a request the store cannot take', () => {
  it('fails alone with 400 and a reason; the requests committed with it in one batch are stored', async () => {
    const store = gatedStorage((batch) => (hasSpanNamed(batch, 'poison') ? new Error('value out of range for column') : null));
    sl = await startTestServer({ storage: store.storage });
    const server = sl;
    // Two batches wait at the gate (one request each); the next four queue behind them as one batch.
    const ahead = [post(server, requestBody(1))];
    await untilPending(server, 3);
    ahead.push(post(server, requestBody(2)));
    await untilPending(server, 6);
    const innocent = [post(server, requestBody(3)), post(server, requestBody(4))];
    const poisoned = post(server, requestBody(5, 'poison'));
    const last = post(server, requestBody(6));
    await untilPending(server, 18);
    store.open();

    for (const res of await Promise.all([...ahead, ...innocent, last])) expect(res.status).toBe(200);
    const refused = await poisoned;
    expect(refused.status).toBe(400);
    expect(refused.headers.get('retry-after')).toBeNull();
    // A google.rpc.Status in protobuf, as the request was: its message is readable text.
    expect(await refused.text()).toMatch(/could not be stored: value out of range for column/);

    // The batch of four was split until the poisoned request stood alone.
    expect(store.batches.slice(0, 3)).toEqual([1, 1, 4]);
    const health = (await getJson(server.api, '/healthz')).body.ingest;
    expect(health.split_batches).toBeGreaterThanOrEqual(1);
    expect(health.failed_requests).toBe(1);
    const traces = (await getJson(server.api, '/api/traces?limit=100')).body.data;
    expect(traces).toHaveLength(5);
  });

  it('is told to retry later (503 + Retry-After) when the store fails for the moment, and the batch is not split', async () => {
    let busy = true;
    const store = gatedStorage(() => (busy ? new StorageUnavailableError('disk is full', 7, 'SQLITE_FULL') : null));
    sl = await startTestServer({ storage: store.storage });
    const server = sl;
    const ahead = [post(server, requestBody(1))];
    await untilPending(server, 3);
    ahead.push(post(server, requestBody(2)));
    await untilPending(server, 6);
    const queued = [post(server, requestBody(3)), post(server, requestBody(4))];
    await untilPending(server, 12);
    store.open();
    for (const res of await Promise.all([...ahead, ...queued])) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('7');
    }
    expect(store.batches).toEqual([1, 1, 2]);
    busy = false;
    expect((await post(server, requestBody(3))).status).toBe(200);
  });
});
