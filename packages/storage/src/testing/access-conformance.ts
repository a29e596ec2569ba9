import { describe, expect, it } from 'vitest';
import { ProjectExistsError, type StoredKey } from '../access/access-store.js';
import type { Storage } from '../storage.js';

const key = (id: string, project: string | null, createdAtMs: number): StoredKey => ({
  id,
  project,
  name: `${id} label`,
  hash: 'ab'.repeat(32),
  createdAtMs,
  lastUsedAtMs: null,
  revokedAtMs: null,
});

/** What every backend's projects, keys, usage and audit log must do. */
export function describeAccessConformance(getStore: () => Storage): void {
  const access = () => getStore().access;

  describe('projects and keys', () => {
    it('creates a project once and keeps its settings', async () => {
      await access().createProject('shop', { retentionDays: 7 }, 1000);
      await expect(access().createProject('shop', {}, 2000)).rejects.toBeInstanceOf(ProjectExistsError);
      expect(await access().getProject('shop')).toEqual({ name: 'shop', createdAtMs: 1000, settings: { retentionDays: 7 } });
      const updated = await access().updateProject('shop', { spansPerSecond: 50 });
      expect(updated?.settings).toEqual({ retentionDays: 7, spansPerSecond: 50 });
      expect(await access().updateProject('absent', { spansPerSecond: 1 })).toBeNull();
      await access().createProject('api', {}, 3000);
      expect((await access().listProjects()).map((p) => p.name)).toEqual(['api', 'shop']);
    });

    it('finds, lists, touches and revokes keys', async () => {
      await access().addKey(key('k1', 'shop', 1000));
      await access().addKey(key('k2', 'shop', 2000));
      await access().addKey(key('k3', 'api', 3000));
      await access().addKey(key('admin1', null, 500));
      expect((await access().listKeys('shop')).map((k) => k.id)).toEqual(['k2', 'k1']);
      expect((await access().listKeys()).map((k) => k.id)).toEqual(['k3', 'k2', 'k1', 'admin1']);
      expect(await access().findKey('k1')).toEqual(key('k1', 'shop', 1000));
      expect(await access().findKey('nope')).toBeNull();

      await access().touchKeys(new Map([['k1', 5000]]));
      await access().touchKeys(new Map([['k1', 4000]]));
      expect((await access().findKey('k1'))?.lastUsedAtMs).toBe(5000);

      expect(await access().revokeKey('k1', 6000)).toBe(true);
      expect(await access().revokeKey('k1', 7000)).toBe(false);
      expect(await access().revokeKey('nope', 7000)).toBe(false);
      expect((await access().findKey('k1'))?.revokedAtMs).toBe(6000);
    });

    it('adds usage up per project and day', async () => {
      await access().addUsage([
        { project: 'shop', day: '2026-12-01', spans: 10 },
        { project: 'shop', day: '2026-12-02', spans: 5 },
        { project: 'api', day: '2026-12-02', spans: 7 },
      ]);
      await access().addUsage([{ project: 'shop', day: '2026-12-02', spans: 1 }]);
      expect(await access().readUsage('shop', '2026-12-02', '2026-12-31')).toEqual([{ project: 'shop', day: '2026-12-02', spans: 6 }]);
      expect((await access().readUsage('shop', '2026-12-01', '2026-12-31')).map((d) => d.spans)).toEqual([10, 6]);
    });

    it('lists the audit log newest first, by project, in pages', async () => {
      for (let i = 1; i <= 5; i++)
        await access().appendAudit({
          atMs: i,
          actor: 'local',
          action: 'key.create',
          project: i % 2 ? 'shop' : 'api',
          target: `k${i}`,
          detail: { n: i },
        });
      const all = await access().listAudit({ limit: 3 });
      expect(all.map((e) => e.target)).toEqual(['k5', 'k4', 'k3']);
      expect(all[0]).toMatchObject({ atMs: 5, actor: 'local', action: 'key.create', project: 'shop', detail: { n: 5 } });
      const next = await access().listAudit({ limit: 3, beforeId: all[2]?.id });
      expect(next.map((e) => e.target)).toEqual(['k2', 'k1']);
      expect((await access().listAudit({ limit: 10, project: 'api' })).map((e) => e.target)).toEqual(['k4', 'k2']);
    });
  });
}
