import type { IncomingMessage } from 'node:http';
import type { Principal } from './principal.js';

/** The project every request acts in when no key or choice says otherwise. */
export const DEFAULT_PROJECT = 'default';

/** Who a request acts as and in which project. */
export interface Scope {
  readonly principal: Principal;
  readonly project: string;
  /** Whether an admin chose the project (`X-Sightline-Project` or `?project=`) rather than the default. */
  readonly chosen: boolean;
}

const LOCAL: Scope = { principal: { role: 'local' }, project: DEFAULT_PROJECT, chosen: false };

/** The scope of each request in flight, as the auth guard found it. */
export class RequestScopes {
  private readonly scopes = new WeakMap<IncomingMessage, Scope>();

  set(req: IncomingMessage, scope: Scope): void {
    this.scopes.set(req, scope);
  }

  /** A request the guard did not see (a test calling a handler) acts locally in the default project. */
  of(req: IncomingMessage): Scope {
    return this.scopes.get(req) ?? LOCAL;
  }

  projectOf(req: IncomingMessage): string {
    return this.of(req).project;
  }
}
