import { mergeSettings } from './access-rows.js';
import {
  type AccessStore,
  type AuditEntry,
  type AuditQuery,
  type AuditRecord,
  ProjectExistsError,
  type ProjectInfo,
  type ProjectSettings,
  type StoredKey,
  type UsageDay,
} from './access-store.js';

/** Projects, keys, usage and audit held in memory: the reference {@link AccessStore}. */
export class MemoryAccess implements AccessStore {
  private readonly projects = new Map<string, ProjectInfo>();
  private readonly keys = new Map<string, StoredKey>();
  private readonly usage = new Map<string, number>();
  private readonly audit: AuditRecord[] = [];

  async createProject(name: string, settings: ProjectSettings, atMs: number): Promise<ProjectInfo> {
    if (this.projects.has(name)) throw new ProjectExistsError(name);
    const project = { name, createdAtMs: atMs, settings: { ...settings } };
    this.projects.set(name, project);
    return project;
  }

  async getProject(name: string): Promise<ProjectInfo | null> {
    return this.projects.get(name) ?? null;
  }

  async listProjects(): Promise<ProjectInfo[]> {
    return [...this.projects.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async updateProject(name: string, settings: ProjectSettings): Promise<ProjectInfo | null> {
    const held = this.projects.get(name);
    if (!held) return null;
    const next = { ...held, settings: mergeSettings(held.settings, settings) };
    this.projects.set(name, next);
    return next;
  }

  async addKey(key: StoredKey): Promise<void> {
    this.keys.set(key.id, key);
  }

  async findKey(id: string): Promise<StoredKey | null> {
    return this.keys.get(id) ?? null;
  }

  async listKeys(project?: string): Promise<StoredKey[]> {
    return [...this.keys.values()]
      .filter((k) => project === undefined || k.project === project)
      .sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? -1 : 1));
  }

  async revokeKey(id: string, atMs: number): Promise<boolean> {
    const key = this.keys.get(id);
    if (!key || key.revokedAtMs !== null) return false;
    this.keys.set(id, { ...key, revokedAtMs: atMs });
    return true;
  }

  async touchKeys(lastUsed: ReadonlyMap<string, number>): Promise<void> {
    for (const [id, at] of lastUsed) {
      const key = this.keys.get(id);
      if (key && (key.lastUsedAtMs ?? 0) < at) this.keys.set(id, { ...key, lastUsedAtMs: at });
    }
  }

  async addUsage(days: readonly UsageDay[]): Promise<void> {
    for (const d of days) {
      const k = `${d.project}\u0000${d.day}`;
      this.usage.set(k, (this.usage.get(k) ?? 0) + d.spans);
    }
  }

  async readUsage(project: string, fromDay: string, toDay: string): Promise<UsageDay[]> {
    const found: UsageDay[] = [];
    for (const [k, spans] of this.usage) {
      const [p, day] = k.split('\u0000') as [string, string];
      if (p === project && day >= fromDay && day <= toDay) found.push({ project, day, spans });
    }
    return found.sort((a, b) => (a.day < b.day ? -1 : 1));
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.audit.push({ ...entry, id: this.audit.length + 1 });
  }

  async listAudit(q: AuditQuery): Promise<AuditRecord[]> {
    const found: AuditRecord[] = [];
    for (let i = this.audit.length - 1; i >= 0 && found.length < q.limit; i--) {
      const e = this.audit[i] as AuditRecord;
      if (q.beforeId !== undefined && e.id >= q.beforeId) continue;
      if (q.project !== undefined && e.project !== q.project) continue;
      found.push(e);
    }
    return found;
  }
}
