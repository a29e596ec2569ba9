/**
 * What a session's page says of its calls, kept in each trace's summary so that a list of
 * sessions reads `traces` alone instead of joining every call: the trace's counted calls that
 * failed (`call_error_count`), the users its counted calls name (`users`), and the session name
 * and labels its calls gave, each with the call's time (`session_details`: only calls of the
 * trace's own session). The writer computes them with the rest of the summary (`traceState`).
 *
 * Traces summarized before this version get them from their calls once, here: each summary with a
 * session is written again at its own version, and a row written later at an equal version
 * replaces an earlier one — so every collector must run this version before writing again.
 */
export const sessionFactsSchema: readonly string[] = [
  'ALTER TABLE traces ADD COLUMN IF NOT EXISTS call_error_count UInt32 DEFAULT 0',
  'ALTER TABLE traces ADD COLUMN IF NOT EXISTS users Array(String) DEFAULT []',
  'ALTER TABLE traces ADD COLUMN IF NOT EXISTS session_details Array(Tuple(Int64, String)) CODEC(ZSTD(1))',
  `INSERT INTO traces (project, trace_id, start_ns, end_ns, span_count, error_count, root_span_id, root_name, root_complete, service,
     call_count, input_tokens, output_tokens, total_tokens, cost_usd, session_id, user_id, expires_at_ns, version,
     call_error_count, users, session_details)
   SELECT t.project, t.trace_id, t.start_ns, t.end_ns, t.span_count, t.error_count, t.root_span_id, t.root_name, t.root_complete, t.service,
     t.call_count, t.input_tokens, t.output_tokens, t.total_tokens, t.cost_usd, t.session_id, t.user_id, t.expires_at_ns, t.version,
     f.errors, f.users, arrayMap(x -> (x.1, x.3), arrayFilter(x -> x.2 = assumeNotNull(t.session_id), f.details))
   FROM (SELECT * FROM traces FINAL WHERE session_id IS NOT NULL) AS t
   INNER JOIN (
     SELECT project, trace_id, toUInt32(countIf(counted = 1 AND is_error = 1)) AS errors,
       groupUniqArrayIf(assumeNotNull(user_id), counted = 1 AND user_id IS NOT NULL) AS users,
       groupArrayIf((timestamp_ns, assumeNotNull(session_id), session_details), session_id IS NOT NULL AND session_details != 'null') AS details
     FROM llm_calls FINAL GROUP BY project, trace_id
   ) AS f ON t.project = f.project AND t.trace_id = f.trace_id`,
];
