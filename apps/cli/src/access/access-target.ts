import type { createdKeyJson, keyJson, projectJson } from '@sightline/server';
import { callServer, errorOf } from '../server-client.js';

export type KeyJson = ReturnType<typeof keyJson>;
export type ProjectJson = ReturnType<typeof projectJson>;
export type CreatedKeyJson = ReturnType<typeof createdKeyJson>;

/** Where `keys` and `projects` do their work: a database file (see `databaseTarget`), or a running server's API. */
export interface AccessTarget {
  createKey(project: string | null, name: string | null): Promise<CreatedKeyJson>;
  listKeys(project: string | null): Promise<KeyJson[]>;
  revokeKey(id: string): Promise<KeyJson | null>;
  createProject(name: string, settings: Record<string, unknown>): Promise<ProjectJson>;
  listProjects(): Promise<ProjectJson[]>;
  updateProject(name: string, settings: Record<string, unknown>): Promise<ProjectJson | null>;
  close(): void;
}

/** A running server's API (`--url`), with an admin key (`--api-key`) where keys are required. */
export function serverTarget(url: string): AccessTarget {
  const send = (method: string, path: string, body?: unknown) =>
    callServer<unknown>(url, path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  /** The answer's body; its error, in one line, when there is none. */
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const answer = await send(method, path, body);
    if (!answer.ok || answer.body === null) throw new Error(errorOf(answer));
    return answer.body as T;
  };
  /** As `call`, but null when the server has no such thing (404). */
  const callOrMissing = async <T>(method: string, path: string, body?: unknown): Promise<T | null> => {
    const answer = await send(method, path, body);
    if (answer.status === 404) return null;
    if (!answer.ok || answer.body === null) throw new Error(errorOf(answer));
    return answer.body as T;
  };
  return {
    createKey: (project, name) =>
      call<CreatedKeyJson>('POST', '/api/keys', { project, name, role: project === null ? 'admin' : 'project' }),
    listKeys: async (project) =>
      (await call<{ data: KeyJson[] }>('GET', `/api/keys${project ? `?project=${encodeURIComponent(project)}` : ''}`)).data,
    revokeKey: (id) => callOrMissing<KeyJson>('DELETE', `/api/keys/${encodeURIComponent(id)}`),
    createProject: (name, settings) => call<ProjectJson>('POST', '/api/projects', { name, ...settings }),
    listProjects: async () => (await call<{ data: ProjectJson[] }>('GET', '/api/projects')).data,
    updateProject: (name, settings) => callOrMissing<ProjectJson>('PATCH', `/api/projects/${encodeURIComponent(name)}`, settings),
    close: () => undefined,
  };
}
