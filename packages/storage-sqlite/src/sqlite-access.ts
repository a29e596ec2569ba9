import {
  type AccessStore,
  type AuditEntry,
  type AuditQuery,
  type AuditRecord,
  type AuditRow,
  auditFromRow,
  type KeyRow,
  keyFromRow,
  mergeSettings,
  ProjectExistsError,
  type ProjectInfo,
  type ProjectRow,
  type ProjectSettings,
  projectFromRow,
  type StoredKey,
  type UsageDay,
} from '@sightline/storage';
import type Database from 'better-sqlite3';
import type { DamageWatch } from './damage-watch.js';
import { writeFailure } from './writer-client.js';

/**
 * Projects, keys, usage and audit in their tables (schema 009), on a connection of their own
 * choosing: the store's, or one a command opens beside a running server (`keys create --db`).
 * Writes are rare and small, so they take the write lock between the writer thread's
 * transactions (waiting up to the connection's busy timeout).
 */
export class SqliteAccess implements AccessStore {
  private readonly stmts;
  private readonly touchAll: (lastUsed: ReadonlyMap<string, number>) => void;
  private readonly usageAll: (days: readonly UsageDay[]) => void;

  constructor(
    db: Database.Database,
    private readonly watch: DamageWatch | null = null,
  ) {
    this.stmts = {
      createProject: db.prepare('INSERT INTO project_settings (name, created_at_ms, settings) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      getProject: db.prepare('SELECT * FROM project_settings WHERE name = ?'),
      listProjects: db.prepare('SELECT * FROM project_settings ORDER BY name'),
      setSettings: db.prepare('UPDATE project_settings SET settings = ? WHERE name = ?'),
      addKey: db.prepare(
        'INSERT INTO api_keys (id, project, name, hash, created_at_ms, last_used_at_ms, revoked_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      findKey: db.prepare('SELECT * FROM api_keys WHERE id = ?'),
      listKeys: db.prepare('SELECT * FROM api_keys ORDER BY created_at_ms DESC, id'),
      listProjectKeys: db.prepare('SELECT * FROM api_keys WHERE project = ? ORDER BY created_at_ms DESC, id'),
      revokeKey: db.prepare('UPDATE api_keys SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL'),
      touchKey: db.prepare('UPDATE api_keys SET last_used_at_ms = max(coalesce(last_used_at_ms, 0), ?) WHERE id = ?'),
      addUsage: db.prepare(
        'INSERT INTO usage_days (project, day, spans) VALUES (?, ?, ?) ON CONFLICT (project, day) DO UPDATE SET spans = spans + excluded.spans',
      ),
      readUsage: db.prepare('SELECT project, day, spans FROM usage_days WHERE project = ? AND day BETWEEN ? AND ? ORDER BY day'),
      appendAudit: db.prepare('INSERT INTO audit_log (at_ms, actor, action, project, target, detail) VALUES (?, ?, ?, ?, ?, ?)'),
      listAudit: db.prepare('SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?'),
      listProjectAudit: db.prepare('SELECT * FROM audit_log WHERE project = ? AND id < ? ORDER BY id DESC LIMIT ?'),
    };
    this.touchAll = db.transaction((lastUsed: ReadonlyMap<string, number>) => {
      for (const [id, at] of lastUsed) this.stmts.touchKey.run(at, id);
    });
    this.usageAll = db.transaction((days: readonly UsageDay[]) => {
      for (const d of days) this.stmts.addUsage.run(d.project, d.day, d.spans);
    });
  }

  private read<T>(work: () => T): Promise<T> {
    return this.watch ? this.watch.read(async () => work()) : Promise.resolve().then(work);
  }

  private write<T>(work: () => T): Promise<T> {
    const guarded = async () => {
      try {
        return work();
      } catch (err) {
        if (err instanceof ProjectExistsError) throw err;
        const e = err as Error & { code?: string };
        throw writeFailure(e.message, e.code);
      }
    };
    return this.watch ? this.watch.write(guarded) : guarded();
  }

  createProject(name: string, settings: ProjectSettings, atMs: number): Promise<ProjectInfo> {
    return this.write(() => {
      const made = this.stmts.createProject.run(name, atMs, JSON.stringify(settings));
      if (made.changes === 0) throw new ProjectExistsError(name);
      return { name, createdAtMs: atMs, settings };
    });
  }

  getProject(name: string): Promise<ProjectInfo | null> {
    return this.read(() => {
      const row = this.stmts.getProject.get(name) as ProjectRow | undefined;
      return row ? projectFromRow(row) : null;
    });
  }

  listProjects(): Promise<ProjectInfo[]> {
    return this.read(() => (this.stmts.listProjects.all() as ProjectRow[]).map(projectFromRow));
  }

  updateProject(name: string, settings: ProjectSettings): Promise<ProjectInfo | null> {
    return this.write(() => {
      const row = this.stmts.getProject.get(name) as ProjectRow | undefined;
      if (!row) return null;
      const held = projectFromRow(row);
      const next = mergeSettings(held.settings, settings);
      this.stmts.setSettings.run(JSON.stringify(next), name);
      return { ...held, settings: next };
    });
  }

  addKey(key: StoredKey): Promise<void> {
    return this.write(() => {
      this.stmts.addKey.run(key.id, key.project, key.name, key.hash, key.createdAtMs, key.lastUsedAtMs, key.revokedAtMs);
    });
  }

  findKey(id: string): Promise<StoredKey | null> {
    return this.read(() => {
      const row = this.stmts.findKey.get(id) as KeyRow | undefined;
      return row ? keyFromRow(row) : null;
    });
  }

  listKeys(project?: string): Promise<StoredKey[]> {
    return this.read(() =>
      ((project === undefined ? this.stmts.listKeys.all() : this.stmts.listProjectKeys.all(project)) as KeyRow[]).map(keyFromRow),
    );
  }

  revokeKey(id: string, atMs: number): Promise<boolean> {
    return this.write(() => this.stmts.revokeKey.run(atMs, id).changes > 0);
  }

  touchKeys(lastUsed: ReadonlyMap<string, number>): Promise<void> {
    return lastUsed.size ? this.write(() => this.touchAll(lastUsed)) : Promise.resolve();
  }

  addUsage(days: readonly UsageDay[]): Promise<void> {
    return days.length ? this.write(() => this.usageAll(days)) : Promise.resolve();
  }

  readUsage(project: string, fromDay: string, toDay: string): Promise<UsageDay[]> {
    return this.read(() => this.stmts.readUsage.all(project, fromDay, toDay) as UsageDay[]);
  }

  appendAudit(e: AuditEntry): Promise<void> {
    return this.write(() => {
      this.stmts.appendAudit.run(e.atMs, e.actor, e.action, e.project, e.target, JSON.stringify(e.detail));
    });
  }

  listAudit(q: AuditQuery): Promise<AuditRecord[]> {
    return this.read(() => {
      const before = q.beforeId ?? Number.MAX_SAFE_INTEGER;
      const rows = (
        q.project === undefined ? this.stmts.listAudit.all(before, q.limit) : this.stmts.listProjectAudit.all(q.project, before, q.limit)
      ) as AuditRow[];
      return rows.map(auditFromRow);
    });
  }
}
