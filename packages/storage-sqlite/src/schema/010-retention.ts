/** Log records by project and time, for retention to find a project's old ones without a scan. */
export const retentionSchema = `
CREATE INDEX IF NOT EXISTS logs_by_time ON logs (project_id, time_ns);
`;
