import type { DatasetStore } from '@sightline/storage';
import { QueryParams } from '../api/query-params.js';
import { notFound } from '../http/http-error.js';
import { JsonStream } from '../http/json-stream.js';
import { sendJson } from '../http/respond.js';
import type { Router } from '../http/router.js';
import type { Ingest } from '../ingest/ingest.js';
import { requireDatasets } from './client-routes.js';
import { parseDatasetName } from './dataset-rows.js';

/** Rows read and sent per slice. */
const ROW_SLICE = 1_000;

/**
 * `GET /api/datasets` (each dataset's name and row count) and `GET /api/datasets/{name}` (its
 * rows as JSON lines, in the order saved, streamed a slice at a time).
 */
export function addDatasetRoutes(router: Router, datasets: DatasetStore | undefined, ingest: Ingest): void {
  router.add('GET', '/api/datasets', async ({ req, res, url }) => {
    new QueryParams(url.searchParams).check();
    const list = await requireDatasets(datasets).listDatasets(ingest.projectOf(req));
    sendJson(res, 200, { data: list.map((d) => ({ name: d.name, row_count: d.rowCount })) });
  });

  router.add('GET', '/api/datasets/{name}', async ({ req, res, url, params }) => {
    new QueryParams(url.searchParams).check();
    const store = requireDatasets(datasets);
    const name = parseDatasetName(params.name ?? '', 'path parameter "name"');
    const project = ingest.projectOf(req);
    let page = await store.readRows(project, name, 0, ROW_SLICE);
    if (!page) throw notFound(`dataset "${name}" not found`);
    const out = new JsonStream(res, 'application/x-ndjson; charset=utf-8');
    for (;;) {
      if (page.rows.length) out.write(`${page.rows.join('\n')}\n`);
      await out.flush();
      if (page.next === null) break;
      page = (await store.readRows(project, name, page.next, ROW_SLICE)) ?? { rows: [], next: null };
    }
    await out.end();
  });
}
