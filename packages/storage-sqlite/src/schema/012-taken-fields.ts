/**
 * Which of a call's session (1) and user (2) it took from its trace rather than named itself
 * (see `fieldsFromTrace` in @sightline/storage): the trace's owner is worked out again from
 * what the calls named whenever the trace changes, so a call that took a session gives it up
 * for the right one when an earlier call names another, as the other stores do. Calls stored
 * before this version named theirs (0).
 */
export const takenFieldsSchema = `
ALTER TABLE llm_calls ADD COLUMN taken INTEGER NOT NULL DEFAULT 0;
`;
