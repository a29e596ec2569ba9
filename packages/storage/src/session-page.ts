import { parseSessionSortValue, sessionSortValue } from './call-order.js';
import { DEFAULT_SESSION_ORDER, type SessionQuery } from './call-query.js';
import type { SessionSummary } from './call-results.js';
import { pageByKeyset } from './keyset-page.js';
import type { Page } from './results.js';

/** The reference semantics of a session query's conditions on one session's summary. */
function sessionMatches(s: SessionSummary, q: SessionQuery): boolean {
  if (q.from !== undefined && s.lastSeenUnixNano < q.from) return false;
  if (q.to !== undefined && s.firstSeenUnixNano >= q.to) return false;
  if (q.userId !== undefined && !s.users.includes(q.userId)) return false;
  return !q.labels?.some((l) => s.labels[l.key] !== l.value);
}

/**
 * The page of `q` among sessions held in full (each with a stable integer key for ties): those
 * that match, in the query's order, cut at its cursor and limit (see `pageByKeyset`).
 */
export function pageSessions(
  sessions: readonly { readonly s: SessionSummary; readonly key: number }[],
  q: SessionQuery,
): Page<SessionSummary> {
  const order = q.orderBy ?? DEFAULT_SESSION_ORDER;
  const page = pageByKeyset(
    sessions.filter((m) => sessionMatches(m.s, q)),
    order,
    (m) => sessionSortValue(m.s, order.field, order.direction),
    (text) => parseSessionSortValue(order.field, text),
    (m) => m.key,
    q.limit,
    q.cursor,
  );
  return { items: page.items.map((m) => m.s), nextCursor: page.nextCursor };
}
