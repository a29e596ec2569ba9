import type { Router } from '../http/router.js';
import type { Ingest } from '../ingest/ingest.js';
import { parseEventId, parseLiveQuery } from './live-filter.js';
import type { LiveHub } from './live-hub.js';
import { SSE_HEADERS } from './sse.js';

/**
 * `GET /api/live`: Server-Sent Events of new LLM calls (`call`) and of traces whose root span
 * has arrived (`trace`, again when later spans change it), with the filters of
 * `GET /api/llm-calls`. `Last-Event-ID` (the header a browser sends when it reconnects, or
 * `?last_event_id=`) resumes after that event.
 */
export function addLiveRoutes(router: Router, hub: LiveHub, ingest: Ingest): void {
  router.add('GET', '/api/live', ({ req, res, url }) => {
    const { filter, lastEventId } = parseLiveQuery(url.searchParams, ingest.projectOf(req));
    // The header wins: a browser reconnecting sends the URL it first opened, with the newer id in the header.
    const header = req.headers['last-event-id'];
    const resumeAfter = typeof header === 'string' && header !== '' ? (parseEventId(header) ?? 'unknown') : lastEventId;
    if (req.method === 'HEAD') {
      res.writeHead(200, SSE_HEADERS);
      res.end();
      return;
    }
    hub.subscribe(res, filter, resumeAfter);
  });
}
