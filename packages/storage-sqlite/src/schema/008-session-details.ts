/**
 * What an app says of a session (see `sessionDetailsOf` in @sightline/core): the name given it
 * and its labels as a JSON object, from the spans of its calls. Sessions stored before this
 * version have neither until a new call of theirs arrives.
 */
export const sessionDetailsSchema = `
ALTER TABLE sessions ADD COLUMN name TEXT;
ALTER TABLE sessions ADD COLUMN labels TEXT;
`;
