import { MemoryStorage, type Storage } from '@sightline/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, postJson, startTestServer, type TestServer } from './support/test-server.js';

/**
 * A store that says it cannot filter by attributes, search text or page by offset: the API
 * refuses such queries with 400 naming what, instead of answering them wrong.
 */
let sl: TestServer;
beforeAll(async () => {
  const memory = new MemoryStorage();
  const storage: Storage = {
    kind: 'limited',
    writer: memory.writer,
    reader: Object.assign(Object.create(memory.reader), {
      capabilities: { attributeFilters: false, resourceAttributeFilters: false, offsetPaging: false, textSearch: false },
    }),
    calls: memory.calls,
    access: memory.access,
    close: () => memory.close(),
  };
  sl = await startTestServer({ storage });
});
afterAll(() => sl?.stop());

describe('a store that cannot do everything', () => {
  it.each([
    ['/api/traces?attr.user.tier=pro', 'this store cannot filter by span attributes (attr.*)'],
    ['/api/llm-calls?resource.deployment.environment=prod', 'this store cannot filter by resource attributes (resource.*)'],
    ['/api/metrics?attr.user.tier=pro', 'this store cannot filter by span attributes (attr.*)'],
    ['/api/traces?q=refund', 'free-text search'],
  ])('%s is refused (400), saying why', async (path, why) => {
    const res = await fetch(sl.api + path);
    expect(res.status).toBe(400);
    expect((await json(res)).error.message).toContain(why);
  });

  it('answers what it can', async () => {
    expect((await fetch(`${sl.api}/api/traces`)).status).toBe(200);
    expect((await fetch(`${sl.api}/api/llm-calls?service=web`)).status).toBe(200);
  });

  it('refuses Llama Stack paging by offset, and takes the first page', async () => {
    const paged = await postJson(sl.api, '/v1/telemetry/query-traces', { offset: 10, limit: 5 });
    expect(paged.status).toBe(400);
    expect(paged.body.error.message).toContain('cannot page by offset');
    expect((await postJson(sl.api, '/v1/telemetry/query-traces', { limit: 5 })).status).toBe(200);
  });
});
