import type { AuditRecord, ProjectInfo, ProjectSettings, StoredKey } from './access-store.js';

/**
 * The rows of the access tables as an SQL backend reads them back, and the one mapping from
 * them. Columns are the same in every backend; integers come as numbers (SQLite) or as decimal
 * strings (ClickHouse), which `Number` reads alike.
 */
type Int = number | string | bigint;

export interface ProjectRow {
  readonly name: string;
  readonly created_at_ms: Int;
  readonly settings: string;
}

export interface KeyRow {
  readonly id: string;
  readonly project: string | null;
  readonly name: string | null;
  readonly hash: string;
  readonly created_at_ms: Int;
  readonly last_used_at_ms: Int | null;
  readonly revoked_at_ms: Int | null;
}

export interface AuditRow {
  readonly id: Int;
  readonly at_ms: Int;
  readonly actor: string;
  readonly action: string;
  readonly project: string | null;
  readonly target: string | null;
  readonly detail: string;
}

const orNull = (v: Int | null) => (v === null ? null : Number(v));

export const projectFromRow = (r: ProjectRow): ProjectInfo => ({
  name: r.name,
  createdAtMs: Number(r.created_at_ms),
  settings: JSON.parse(r.settings),
});

export const keyFromRow = (r: KeyRow): StoredKey => ({
  id: r.id,
  project: r.project,
  name: r.name,
  hash: r.hash,
  createdAtMs: Number(r.created_at_ms),
  lastUsedAtMs: orNull(r.last_used_at_ms),
  revokedAtMs: orNull(r.revoked_at_ms),
});

export const auditFromRow = (r: AuditRow): AuditRecord => ({
  id: Number(r.id),
  atMs: Number(r.at_ms),
  actor: r.actor,
  action: r.action,
  project: r.project,
  target: r.target,
  detail: JSON.parse(r.detail),
});

/** A project's settings with `changes` over them: the fields given are set, the rest kept. */
export const mergeSettings = (held: ProjectSettings, changes: ProjectSettings): ProjectSettings => ({ ...held, ...changes });
