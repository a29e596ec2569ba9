import { context, createContextKey } from '@opentelemetry/api';
import { checkLabels, type Labels } from './labels.js';

/** What `withSession` puts in the async context for every span started inside. */
export interface SessionScope {
  readonly sessionId?: string;
  /** A human name for the session (`sightline.session.name`), shown by the file export. */
  readonly name?: string;
  readonly userId?: string;
  readonly labels?: Labels;
}

const SESSION_KEY = createContextKey('sightline.session');
export const SESSION_NAME_ATTRIBUTE = 'sightline.session.name';

/** The session scope in force (nested scopes merge, inner wins). */
export function currentScope(): SessionScope | undefined {
  return context.active().getValue(SESSION_KEY) as SessionScope | undefined;
}

/** Runs `fn` with a session id, user id and labels on every span started inside, provider calls included. */
export function withSession<T>(scope: SessionScope, fn: () => T): T {
  if (scope.sessionId !== undefined && (typeof scope.sessionId !== 'string' || scope.sessionId === ''))
    throw new TypeError('withSession: sessionId must be a non-empty string');
  for (const key of ['userId', 'name'] as const)
    if (scope[key] !== undefined && (typeof scope[key] !== 'string' || scope[key] === ''))
      throw new TypeError(`withSession: ${key} must be a non-empty string`);
  const outer = currentScope();
  if (scope.name !== undefined && scope.sessionId === undefined && !outer?.sessionId)
    throw new TypeError('withSession: a name needs a sessionId (the session it names)');
  const labels = scope.labels ? checkLabels(scope.labels, outer?.labels) : undefined;
  const merged: SessionScope = {
    sessionId: scope.sessionId ?? outer?.sessionId,
    // A name belongs to the session it was given with (or the same one entered again).
    name: scope.name ?? (scope.sessionId === undefined || scope.sessionId === outer?.sessionId ? outer?.name : undefined),
    userId: scope.userId ?? outer?.userId,
    labels: labels || outer?.labels ? { ...outer?.labels, ...labels } : undefined,
  };
  return context.with(context.active().setValue(SESSION_KEY, merged), fn);
}

/** `withSession({ sessionId }, fn)`. */
export function session<T>(sessionId: string, fn: () => T): T {
  return withSession({ sessionId }, fn);
}
