import { QueryParams } from '../api/query-params.js';
import { sendJson } from '../http/respond.js';
import type { Router } from '../http/router.js';
import type { Ingest } from '../ingest/ingest.js';
import { dayOf } from './ingest-limits.js';

/**
 * `GET /api/usage`: the spans the request's project sent today, this month and on each of the
 * last 31 days, against its limits.
 */
export function addUsageRoutes(router: Router, ingest: Ingest): void {
  router.add('GET', '/api/usage', async ({ req, res, url }) => {
    new QueryParams(url.searchParams).check();
    const project = ingest.projectOf(req);
    const policy = ingest.policies ? await ingest.policies.of(project) : null;
    const now = Date.now();
    const used = ingest.limits ? await ingest.limits.usage(project) : { today: 0, thisMonth: 0 };
    const days = ingest.limits ? await ingest.limits.history(project, dayOf(now - 30 * 86_400_000), dayOf(now)) : [];
    sendJson(res, 200, {
      project,
      limits: {
        spans_per_second: policy?.spansPerSecond ?? null,
        spans_per_day: policy?.spansPerDay ?? null,
        spans_per_month: policy?.spansPerMonth ?? null,
      },
      retention_days: policy?.retentionDays ?? null,
      spans_today: used.today,
      spans_this_month: used.thisMonth,
      days: days.map((d) => ({ day: d.day, spans: d.spans })),
    });
  });
}
