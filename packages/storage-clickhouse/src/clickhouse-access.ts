import type { ClickHouseClient } from '@clickhouse/client';
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
import { definedOnly } from './query-params.js';

const keyRow = (k: StoredKey, version: number) => ({
  id: k.id,
  project: k.project,
  name: k.name,
  hash: k.hash,
  created_at_ms: k.createdAtMs,
  last_used_at_ms: k.lastUsedAtMs,
  revoked_at_ms: k.revokedAtMs,
  version,
});

/**
 * A key as all its rows say: every change is a row of its own (the table keeps them all), and a
 * revocation in any row stands — a last-used time written at the same moment cannot undo it.
 */
function keysSql(where: string, rest = ''): string {
  return `SELECT id, p AS project, n AS name, h AS hash, c AS created_at_ms, u AS last_used_at_ms, r AS revoked_at_ms FROM (
    SELECT id, argMax(project, version) AS p, argMax(name, version) AS n, argMax(hash, version) AS h,
      min(created_at_ms) AS c, max(last_used_at_ms) AS u, min(revoked_at_ms) AS r
    FROM api_keys ${where} GROUP BY id) ${rest}`;
}

let lastVersion = 0;

/** A number larger than every one this process handed out before (microseconds, or one more). */
function nextVersion(): number {
  lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
  return lastVersion;
}

/**
 * Projects, keys, usage and audit in ClickHouse (schema 002). A change is a new row with a
 * higher version; reads take the newest (`FINAL`). Versions and audit ids grow with the clock and
 * a counter, so two changes in one millisecond keep their order.
 */
export class ClickHouseAccess implements AccessStore {
  constructor(private readonly client: ClickHouseClient) {}

  private async rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
    const rs = await this.client.query({ query, query_params: definedOnly(params), format: 'JSONEachRow' });
    return (await rs.json()) as T[];
  }

  private insert(table: string, values: readonly object[]): Promise<unknown> {
    return this.client.insert({ table, values: values as object[], format: 'JSONEachRow' });
  }

  async createProject(name: string, settings: ProjectSettings, atMs: number): Promise<ProjectInfo> {
    if (await this.getProject(name)) throw new ProjectExistsError(name);
    await this.insert('project_settings', [{ name, created_at_ms: atMs, settings: JSON.stringify(settings), version: nextVersion() }]);
    return { name, createdAtMs: atMs, settings };
  }

  async getProject(name: string): Promise<ProjectInfo | null> {
    const [row] = await this.rows<ProjectRow>(
      'SELECT name, created_at_ms, settings FROM project_settings FINAL WHERE name = {name:String}',
      { name },
    );
    return row ? projectFromRow(row) : null;
  }

  async listProjects(): Promise<ProjectInfo[]> {
    const rows = await this.rows<ProjectRow>('SELECT name, created_at_ms, settings FROM project_settings FINAL ORDER BY name');
    return rows.map(projectFromRow);
  }

  async updateProject(name: string, settings: ProjectSettings): Promise<ProjectInfo | null> {
    const held = await this.getProject(name);
    if (!held) return null;
    const next = mergeSettings(held.settings, settings);
    await this.insert('project_settings', [
      { name, created_at_ms: held.createdAtMs, settings: JSON.stringify(next), version: nextVersion() },
    ]);
    return { ...held, settings: next };
  }

  async addKey(key: StoredKey): Promise<void> {
    await this.insert('api_keys', [keyRow(key, nextVersion())]);
  }

  async findKey(id: string): Promise<StoredKey | null> {
    const [row] = await this.rows<KeyRow>(keysSql('WHERE id = {id:String}'), { id });
    return row ? keyFromRow(row) : null;
  }

  async listKeys(project?: string): Promise<StoredKey[]> {
    const mine = project === undefined ? '' : 'WHERE project = {project:String}';
    const rows = await this.rows<KeyRow>(keysSql('', `${mine} ORDER BY created_at_ms DESC, id`), project === undefined ? {} : { project });
    return rows.map(keyFromRow);
  }

  async revokeKey(id: string, atMs: number): Promise<boolean> {
    const key = await this.findKey(id);
    if (!key || key.revokedAtMs !== null) return false;
    await this.insert('api_keys', [keyRow({ ...key, revokedAtMs: atMs }, nextVersion())]);
    return true;
  }

  async touchKeys(lastUsed: ReadonlyMap<string, number>): Promise<void> {
    if (lastUsed.size === 0) return;
    const held = await this.rows<KeyRow>(keysSql('WHERE id IN {ids:Array(String)}'), { ids: [...lastUsed.keys()] });
    const rows: object[] = [];
    for (const key of held.map(keyFromRow)) {
      const at = lastUsed.get(key.id) as number;
      if ((key.lastUsedAtMs ?? 0) < at) rows.push(keyRow({ ...key, lastUsedAtMs: at }, nextVersion()));
    }
    if (rows.length) await this.insert('api_keys', rows);
  }

  async addUsage(days: readonly UsageDay[]): Promise<void> {
    if (days.length)
      await this.insert(
        'usage_days',
        days.map((d) => ({ project: d.project, day: d.day, spans: d.spans })),
      );
  }

  async readUsage(project: string, fromDay: string, toDay: string): Promise<UsageDay[]> {
    const rows = await this.rows<{ day: string; spans: string }>(
      `SELECT day, sum(spans) AS spans FROM usage_days
       WHERE project = {project:String} AND day BETWEEN {from:String} AND {to:String} GROUP BY day ORDER BY day`,
      { project, from: fromDay, to: toDay },
    );
    return rows.map((r) => ({ project, day: r.day, spans: Number(r.spans) }));
  }

  async appendAudit(e: AuditEntry): Promise<void> {
    await this.insert('audit_log', [
      {
        id: nextVersion(),
        at_ms: e.atMs,
        actor: e.actor,
        action: e.action,
        project: e.project,
        target: e.target,
        detail: JSON.stringify(e.detail),
      },
    ]);
  }

  async listAudit(q: AuditQuery): Promise<AuditRecord[]> {
    const where = ['id < {before:UInt64}'];
    if (q.project !== undefined) where.push('project = {project:String}');
    const rows = await this.rows<AuditRow>(`SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT {limit:UInt32}`, {
      before: String(q.beforeId ?? Number.MAX_SAFE_INTEGER),
      project: q.project,
      limit: q.limit,
    });
    return rows.map(auditFromRow);
  }
}
