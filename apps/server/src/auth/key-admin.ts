import type { IncomingMessage } from 'node:http';
import { type AccessStore, ProjectExistsError, type ProjectInfo, type ProjectSettings, type StoredKey } from '@sightline/storage';
import { badRequest } from '../http/http-error.js';
import { newApiKey, projectNameProblem } from './api-key.js';
import { actorOf } from './principal.js';
import type { RequestScopes } from './request-scope.js';

/** A key just made: the only time the whole key is seen. */
export interface CreatedKey {
  readonly stored: StoredKey;
  readonly key: string;
  /** Whether its project was made with it. */
  readonly projectCreated: boolean;
}

/**
 * Managing projects and keys, each act written to the audit log as done by `actor`. The API's
 * admin routes and `sightline keys|projects --db` both go through here.
 */
export class KeyAdmin {
  /** Acting as who `req` is (see `RequestScopes`): what routes audit their acts by. */
  static forRequest(access: AccessStore, scopes: RequestScopes, req: IncomingMessage): KeyAdmin {
    return new KeyAdmin(access, actorOf(scopes.of(req).principal));
  }

  constructor(
    private readonly access: AccessStore,
    private readonly actor: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates a project; throws `ProjectExistsError` when it exists. */
  async createProject(name: string, settings: ProjectSettings = {}): Promise<ProjectInfo> {
    const problem = projectNameProblem(name);
    if (problem) throw badRequest(problem);
    const project = await this.access.createProject(name, settings, this.now());
    await this.audit('project.create', name, name, { settings });
    return project;
  }

  /** Makes sure a project exists (the default one at start); true when it was made now. */
  async ensureProject(name: string): Promise<boolean> {
    if (await this.access.getProject(name)) return false;
    try {
      await this.createProject(name);
      return true;
    } catch (err) {
      if (err instanceof ProjectExistsError) return false;
      throw err;
    }
  }

  async updateProject(name: string, settings: ProjectSettings): Promise<ProjectInfo | null> {
    const updated = await this.access.updateProject(name, settings);
    if (updated) await this.audit('project.update', name, name, { settings });
    return updated;
  }

  /** A key of `project` (made when missing), or an admin key when `project` is null. */
  async createKey(project: string | null, name: string | null): Promise<CreatedKey> {
    if (project !== null) {
      const problem = projectNameProblem(project);
      if (problem) throw badRequest(problem);
    }
    if (name !== null && (name.length > 200 || /\p{Cc}/u.test(name)))
      throw badRequest('a key name is at most 200 characters, without control characters');
    const projectCreated = project !== null && (await this.ensureProject(project));
    const made = newApiKey();
    const stored: StoredKey = {
      id: made.id,
      project,
      name,
      hash: made.hash,
      createdAtMs: this.now(),
      lastUsedAtMs: null,
      revokedAtMs: null,
    };
    await this.access.addKey(stored);
    await this.audit(project === null ? 'admin_key.create' : 'key.create', project, made.id, { name });
    return { stored, key: made.key, projectCreated };
  }

  /** Revokes a key: null when there is no such key, else the key as it is now. */
  async revokeKey(id: string): Promise<StoredKey | null> {
    const key = await this.access.findKey(id);
    if (!key) return null;
    if (key.revokedAtMs !== null) return key;
    const at = this.now();
    await this.access.revokeKey(id, at);
    await this.audit('key.revoke', key.project, id, { name: key.name });
    return { ...key, revokedAtMs: at };
  }

  /** Writes an entry of the audit log. */
  audit(action: string, project: string | null, target: string | null, detail: Record<string, unknown> = {}): Promise<void> {
    return this.access.appendAudit({ atMs: this.now(), actor: this.actor, action, project, target, detail });
  }
}
