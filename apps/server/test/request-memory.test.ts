import * as grpc from '@grpc/grpc-js';
import type { Storage, WriteGroup } from '@sightline/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectGarbage } from '../../../testing/collect.js';
import { TRACE_SERVICE } from '../src/otlp/otlp-grpc.js';
import { referenceTracesBody as body, postTraces } from './support/fixtures.js';
import { RawGrpcExporter } from './support/fuzz-send.js';
import { gatedStorage } from './support/gated-storage.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/**
 * A gated store (see `gatedStorage`) that prepares each group ahead of its commit, as SQLite
 * does, keeping only a count of it: what it is handed can be watched while the request waits
 * for its commit.
 */
function watchingStorage() {
  const gated = gatedStorage();
  const handed: WeakRef<WriteGroup['spans']>[] = [];
  const storage: Storage = {
    ...gated.storage,
    writer: {
      ...gated.storage.writer,
      prepared: {
        prepare: (group: WriteGroup) => {
          handed.push(new WeakRef(group.spans));
          return group.spans.length;
        },
        writePrepared: async (batch: readonly unknown[]) => {
          await gated.opened;
          return { stored: (batch as number[]).reduce((a, b) => a + b, 0), duplicates: 0 };
        },
      },
    },
  };
  return { storage, handed, open: gated.open };
}

let sl: TestServer;
let store: ReturnType<typeof watchingStorage>;
beforeAll(async () => {
  store = watchingStorage();
  sl = await startTestServer({ storage: store.storage });
});
afterAll(() => sl.stop());

// A request is answered only once committed, tens of milliseconds under load: its decoded
// spans must not be held meanwhile, or every request in flight keeps a request's worth of
// objects the store has already prepared.
describe('while a request waits for its commit', () => {
  it('holds none of its decoded spans, over OTLP/HTTP and OTLP/gRPC', async () => {
    const http = postTraces(sl.otlpHttp, body(300, 1));
    const client = new RawGrpcExporter(TRACE_SERVICE, sl.grpc, false);
    const viaGrpc = client.export(body(300, 2), 30_000);
    for (let i = 0; i < 200 && store.handed.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(store.handed).toHaveLength(2);
    await collectGarbage();
    expect(store.handed.every((r) => r.deref() === undefined)).toBe(true);

    // Both are answered once the commit comes.
    store.open();
    expect((await http).status).toBe(200);
    expect(await viaGrpc).toEqual({ kind: 'grpc', code: grpc.status.OK, details: '' });
    client.close();
  });
});
