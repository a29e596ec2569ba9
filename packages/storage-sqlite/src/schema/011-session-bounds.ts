/**
 * A session's traces with their bounds, from the index alone: a session's page walks its traces'
 * start and end times (see session-page.ts), and reading each trace's row for them cost a page
 * of the file per trace — 180 ms warm and over a second cold for a session of ~13,000 traces.
 * Replaces `traces_by_session` (its prefix), so a trace written is no more work than before:
 * an update that sets `session_key` moved that index's entry already.
 */
export const sessionBoundsSchema = `
CREATE INDEX IF NOT EXISTS traces_by_session_bounds ON traces (session_key, start_ns, end_ns) WHERE session_key IS NOT NULL;
DROP INDEX IF EXISTS traces_by_session;
`;
