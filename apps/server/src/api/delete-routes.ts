import type { IncomingMessage } from 'node:http';
import type { Purger, Storage, TraceQuery } from '@sightline/storage';
import { KeyAdmin } from '../auth/key-admin.js';
import { HttpError, notFound } from '../http/http-error.js';
import { sendJson } from '../http/respond.js';
import type { Handler, Method, Router } from '../http/router.js';
import type { Ingest } from '../ingest/ingest.js';
import type { OpenSpans } from '../llama-stack/open-spans.js';
import { hexIdParam, QueryParams } from './query-params.js';

/** Traces looked up and deleted per round when deleting a session's or a user's. */
const ROUND = 500;

/**
 * Deleting data (admin only, each audited): `DELETE /api/traces/{trace_id}`,
 * `DELETE /api/sessions/{session_id}` (every trace of the session) and
 * `DELETE /api/users/{user_id}` (every trace of the user: a data-subject request). Everything
 * of those traces goes: spans, LLM calls, log records, search text, and their share of totals.
 */
export function addDeleteRoutes(router: Router, storage: Storage, ingest: Ingest, openSpans: OpenSpans): void {
  const asAdmin = (method: Method, path: string, handler: Handler) => router.add(method, path, handler, 'admin');
  const audit = (req: IncomingMessage, action: string, target: string, detail: Record<string, unknown>) =>
    KeyAdmin.forRequest(storage.access, ingest.scopes, req).audit(action, ingest.projectOf(req), target, detail);

  /**
   * Deletes every trace of the session or user, a round at a time: those whose summary names it,
   * and those with any LLM call that does (a trace's summary names the first call's); how many
   * traces and spans went.
   */
  const deleteMatching = async (q: Omit<TraceQuery, 'limit'> & { sessionId?: string; userId?: string }) => {
    let traces = 0;
    let spans = 0;
    for (;;) {
      const page = await storage.reader.findTraces({ ...q, limit: ROUND });
      const calls = await storage.calls.findCalls({
        project: q.project,
        sessionId: q.sessionId,
        userId: q.userId,
        limit: ROUND,
      });
      const ids = [...new Set([...page.items.map((t) => t.traceId), ...calls.items.map((c) => c.traceId)])];
      if (ids.length === 0) break;
      openSpans.forgetTraces(q.project, new Set(ids));
      const removed = await purgerOf(storage).deleteTraces(q.project, ids);
      spans += removed;
      traces += ids.length;
      // Nothing removed would find the same ids again: stop rather than spin.
      if (removed === 0) break;
    }
    return { traces, spans };
  };

  asAdmin('DELETE', '/api/traces/{trace_id}', async ({ req, res, url, params }) => {
    new QueryParams(url.searchParams).check();
    const traceId = hexIdParam('trace_id', params.trace_id as string, 32);
    const project = ingest.projectOf(req);
    // Spans of it still open (Llama Stack) are forgotten too, or their span_end would bring it back.
    const dropped = openSpans.forgetTraces(project, new Set([traceId]));
    const spans = await purgerOf(storage).deleteTraces(project, [traceId]);
    if (spans === 0 && dropped === 0) throw notFound(`no trace ${traceId}`);
    await audit(req, 'trace.delete', traceId, { spans });
    sendJson(res, 200, { deleted_traces: 1, deleted_spans: spans });
  });

  for (const { path, param, field, noun, action } of [
    { path: '/api/sessions/{session_id}', param: 'session_id', field: 'sessionId', noun: 'session', action: 'session.delete' },
    { path: '/api/users/{user_id}', param: 'user_id', field: 'userId', noun: 'user', action: 'user.delete' },
  ] as const) {
    asAdmin('DELETE', path, async ({ req, res, url, params }) => {
      new QueryParams(url.searchParams).check();
      const id = params[param] as string;
      const done = await deleteMatching({ project: ingest.projectOf(req), [field]: id });
      if (done.traces === 0) throw notFound(`no ${noun} "${id}" with traces`);
      await audit(req, action, id, { traces: done.traces, spans: done.spans });
      sendJson(res, 200, { deleted_traces: done.traces, deleted_spans: done.spans });
    });
  }
}

/** The store's deletion, or 501 when it has none. */
function purgerOf(storage: Storage): Purger {
  if (!storage.purger) throw new HttpError(501, 'unavailable', `this store (${storage.kind}) cannot delete data`);
  return storage.purger;
}
