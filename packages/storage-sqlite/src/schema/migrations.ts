import type Database from 'better-sqlite3';
import { registerSketchFunctions } from '../sketch-sql.js';
import { initialSchema } from './001-initial.js';
import { llmCallsSchema } from './002-llm-calls.js';
import { dashboardRollupsSchema } from './003-dashboard-rollups.js';
import { searchSchema } from './004-search.js';
import { callRolesSchema } from './005-call-roles.js';
import { datasetsSchema } from './006-datasets.js';
import { otelMetricsSchema } from './007-otel-metrics.js';
import { sessionDetailsSchema } from './008-session-details.js';
import { accessSchema } from './009-access.js';
import { retentionSchema } from './010-retention.js';
import { sessionBoundsSchema } from './011-session-bounds.js';
import { takenFieldsSchema } from './012-taken-fields.js';
import { searchMergeSchema } from './013-search-merge.js';
import { sortBoundsSchema } from './014-sort-bounds.js';

/** Schema versions in order. A migration runs once, in a transaction, and bumps `user_version`. */
export const MIGRATIONS: readonly { readonly version: number; readonly sql: string }[] = [
  { version: 1, sql: initialSchema },
  { version: 2, sql: llmCallsSchema },
  { version: 3, sql: dashboardRollupsSchema },
  { version: 4, sql: searchSchema },
  { version: 5, sql: callRolesSchema },
  { version: 6, sql: datasetsSchema },
  { version: 7, sql: otelMetricsSchema },
  { version: 8, sql: sessionDetailsSchema },
  { version: 9, sql: accessSchema },
  { version: 10, sql: retentionSchema },
  { version: 11, sql: sessionBoundsSchema },
  { version: 12, sql: takenFieldsSchema },
  { version: 13, sql: searchMergeSchema },
  { version: 14, sql: sortBoundsSchema },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Brings a database up to {@link SCHEMA_VERSION}. Refuses a database from a newer Sightline. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `the database has schema version ${current}, newer than this Sightline understands (${SCHEMA_VERSION}); upgrade Sightline`,
    );
  }
  // Migrations that build rollups from stored calls use `sl_sketch`.
  registerSketchFunctions(db);
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
