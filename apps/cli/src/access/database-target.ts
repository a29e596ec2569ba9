import { resolve } from 'node:path';
import { createdKeyJson, KeyAdmin, keyJson, parseProjectSettings, projectJson } from '@sightline/server';
import { openAccess } from '@sightline/storage-sqlite';
import type { AccessTarget } from './access-target.js';

/**
 * The database file itself (`--db`), beside a server running on it or not; acts as `cli --db`
 * in the audit log. Loaded only for `--db`: it brings the server's code along.
 */
export function databaseTarget(path: string): AccessTarget {
  const opened = openAccess(resolve(path));
  const admin = new KeyAdmin(opened.access, 'cli --db');
  return {
    createKey: async (project, name) => createdKeyJson(await admin.createKey(project, name)),
    listKeys: async (project) => (await opened.access.listKeys(project ?? undefined)).map((k) => keyJson(k)),
    revokeKey: async (id) => {
      const key = await admin.revokeKey(id);
      return key && keyJson(key);
    },
    createProject: async (name, settings) => projectJson(await admin.createProject(name, parseProjectSettings(settings))),
    listProjects: async () => (await opened.access.listProjects()).map(projectJson),
    updateProject: async (name, settings) => {
      const p = await admin.updateProject(name, parseProjectSettings(settings));
      return p && projectJson(p);
    },
    close: () => opened.close(),
  };
}
