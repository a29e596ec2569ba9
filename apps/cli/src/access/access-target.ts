import { resolve } from 'node:path';
import { KeyAdmin, keyJson, parseProjectSettings, projectJson } from '@sightline/server';
import { ProjectExistsError } from '@sightline/storage';
import { openAccess } from '@sightline/storage-sqlite';
import { callServer, errorOf } from '../server-client.js';

export type KeyJson = ReturnType<typeof keyJson>;
export type ProjectJson = ReturnType<typeof projectJson>;
export type CreatedKeyJson = KeyJson & { key: string; project_created: boolean };

/** Where `keys` and `projects` do their work: a database file, or a running server's API. */
export interface AccessTarget {
  createKey(project: string | null, name: string | null): Promise<CreatedKeyJson>;
  listKeys(project: string | null): Promise<KeyJson[]>;
  revokeKey(id: string): Promise<KeyJson | null>;
  createProject(name: string, settings: Record<string, unknown>): Promise<ProjectJson>;
  listProjects(): Promise<ProjectJson[]>;
  updateProject(name: string, settings: Record<string, unknown>): Promise<ProjectJson | null>;
  close(): void;
}

/** A failure to tell the user in one line. */
export class AccessError extends Error {}

/** The database file itself (`--db`), beside a server running on it or not; acts as `cli --db` in the audit log. */
export function databaseTarget(path: string): AccessTarget {
  const opened = openAccess(resolve(path));
  const admin = new KeyAdmin(opened.access, 'cli --db');
  return {
    async createKey(project, name) {
      const made = await admin.createKey(project, name);
      return { ...keyJson(made.stored), key: made.key, project_created: made.projectCreated };
    },
    async listKeys(project) {
      return (await opened.access.listKeys(project ?? undefined)).map((k) => keyJson(k));
    },
    async revokeKey(id) {
      const key = await admin.revokeKey(id);
      return key && keyJson(key);
    },
    async createProject(name, settings) {
      try {
        return projectJson(await admin.createProject(name, parseProjectSettings(settings)));
      } catch (err) {
        if (err instanceof ProjectExistsError) throw new AccessError(err.message);
        throw err;
      }
    },
    async listProjects() {
      return (await opened.access.listProjects()).map(projectJson);
    },
    async updateProject(name, settings) {
      const p = await admin.updateProject(name, parseProjectSettings(settings));
      return p && projectJson(p);
    },
    close: () => opened.close(),
  };
}

/** A running server's API (`--url`), with an admin key (`--api-key`) where keys are required. */
export function serverTarget(url: string): AccessTarget {
  const call = async <T>(method: string, path: string, body?: unknown, missingOk = false): Promise<T | null> => {
    const answer = await callServer<T>(url, path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (missingOk && answer.status === 404) return null;
    if (!answer.ok || answer.body === null) throw new AccessError(errorOf(answer));
    return answer.body;
  };
  return {
    createKey: async (project, name) =>
      (await call<CreatedKeyJson>('POST', '/api/keys', { project, name, role: project === null ? 'admin' : 'project' })) as CreatedKeyJson,
    listKeys: async (project) =>
      (
        (await call<{ data: KeyJson[] }>('GET', `/api/keys${project ? `?project=${encodeURIComponent(project)}` : ''}`)) as {
          data: KeyJson[];
        }
      ).data,
    revokeKey: (id) => call<KeyJson>('DELETE', `/api/keys/${encodeURIComponent(id)}`, undefined, true),
    createProject: async (name, settings) => (await call<ProjectJson>('POST', '/api/projects', { name, ...settings })) as ProjectJson,
    listProjects: async () => ((await call<{ data: ProjectJson[] }>('GET', '/api/projects')) as { data: ProjectJson[] }).data,
    updateProject: (name, settings) => call<ProjectJson>('PATCH', `/api/projects/${encodeURIComponent(name)}`, settings, true),
    close: () => undefined,
  };
}
