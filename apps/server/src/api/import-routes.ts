import { DecodeError, decodeExportDocument, rejectionSummary } from '@sightline/core';
import { badRequest } from '../http/http-error.js';
import { sendJson } from '../http/respond.js';
import type { Router } from '../http/router.js';
import type { Ingest } from '../ingest/ingest.js';
import { readJsonText } from './json-body.js';
import { QueryParams } from './query-params.js';

/**
 * `POST /api/import`: loads a file written by the SDK's JSON file export. Its spans go through
 * the same checks and the same ingest as OTLP (LLM calls read, priced, sessions derived), are
 * committed before the answer, and importing the same file again adds nothing.
 */
export function addImportRoutes(router: Router, ingest: Ingest, maxBodyBytes: number): void {
  router.add('POST', '/api/import', async ({ req, res, url }) => {
    new QueryParams(url.searchParams).check();
    const hold = ingest.bodies.hold();
    try {
      const text = await readJsonText(req, maxBodyBytes, hold);
      let decoded: ReturnType<typeof decodeExportDocument>;
      try {
        decoded = decodeExportDocument(text);
      } catch (err) {
        if (err instanceof DecodeError) throw badRequest(`cannot import the document: ${err.message}`);
        throw err;
      }
      const failure = await ingest.accept(ingest.projectOf(req), decoded.spans);
      if (failure) throw failure;
      sendJson(res, 200, {
        imported_spans: decoded.spans.length,
        rejected_spans: decoded.rejectedSpans,
        ...(decoded.rejectedSpans ? { message: rejectionSummary(decoded) } : {}),
        traces: new Set(decoded.spans.map((s) => s.traceId)).size,
      });
    } finally {
      hold.release();
    }
  });
}
