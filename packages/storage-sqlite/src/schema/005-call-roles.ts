/**
 * Which instrumentation layer recorded each call (`framework`, `client`, `stream-end`, or
 * NULL when the span does not tell; see `callRole` in @sightline/core): two instrumentations
 * of one client can record one call side by side, and deciding that a later call duplicates
 * a stored one needs the stored call's role. Calls stored before this version have none.
 */
export const callRolesSchema = `
ALTER TABLE llm_calls ADD COLUMN role TEXT;
`;
