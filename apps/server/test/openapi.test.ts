import { MemoryStorage } from '@sightline/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../src/api/openapi.js';
import { Authenticator } from '../src/auth/authenticator.js';
import { UiSessions } from '../src/auth/ui-sessions.js';
import { WebUi } from '../src/http/web-ui.js';
import { Ingest } from '../src/ingest/ingest.js';
import { IngestQueue } from '../src/ingest/ingest-queue.js';
import { LiveHub } from '../src/live/live-hub.js';
import { OpenSpans } from '../src/llama-stack/open-spans.js';
import { silentLogger } from '../src/log.js';
import { Pricing } from '../src/pricing/pricing.js';
import { apiRouter } from '../src/routes.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

let sl: TestServer;
beforeAll(async () => {
  sl = await startTestServer({ storage: new MemoryStorage() });
});
afterAll(() => sl.stop());

describe('the OpenAPI document', () => {
  it('is served at /api/openapi.json', async () => {
    const { status, body } = await getJson(sl.api, '/api/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(body).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
  });

  it('describes exactly the routes the server has', async () => {
    const storage = new MemoryStorage();
    const ingest = new Ingest(new IngestQueue(storage.writer), silentLogger, null);
    const router = apiRouter({
      storage,
      ingest,
      openSpans: new OpenSpans(ingest, silentLogger),
      pricing: await Pricing.load(null),
      logger: silentLogger,
      maxBodyBytes: 1,
      live: new LiveHub(),
      ui: new WebUi(null),
      access: {
        access: storage.access,
        auth: new Authenticator(storage.access, 'optional', null),
        sessions: new UiSessions(),
        scopes: ingest.scopes,
        secureCookies: false,
      },
    });
    const served = router.routes.map((r) => `${r.method} ${r.pattern}`).sort();
    const documented = Object.entries(openApiDocument.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(served);
  });

  it('resolves every $ref it uses', () => {
    const text = JSON.stringify(openApiDocument);
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/(\w+)"/g)) {
      expect(openApiDocument.components.schemas, name).toHaveProperty(name as string);
    }
  });
});
