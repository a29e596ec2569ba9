import type { Attributes } from '../model/any-value.js';

/** The span attribute `@sightline/sdk` sets for `withSession({ name })`. */
export const SESSION_NAME_ATTRIBUTE = 'sightline.session.name';
/** Labels are span attributes `sightline.label.<key>` (the SDK's `labels`, or any instrumentation's). */
export const LABEL_ATTRIBUTE_PREFIX = 'sightline.label.';
/** Labels one session keeps; more are dropped. */
export const MAX_SESSION_LABELS = 64;

/** What the app said of a session on a span: its name and labels. */
export interface SessionDetails {
  readonly name: string | null;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * A session's name and labels as a span gives them, or null when it gives neither. Label values
 * are kept as text (a number or boolean label is written as such).
 *
 * @example
 * sessionDetailsOf({ 'sightline.session.name': 'Refund chat', 'sightline.label.team': 'billing' })
 * // → { name: 'Refund chat', labels: { team: 'billing' } }
 */
export function sessionDetailsOf(attributes: Attributes): SessionDetails | null {
  let name: string | null = null;
  let labels: Record<string, string> | null = null;
  let count = 0;
  for (const key in attributes) {
    if (!key.startsWith('sightline.')) continue;
    const value = attributes[key];
    if (key === SESSION_NAME_ATTRIBUTE) {
      if (typeof value === 'string' && value !== '') name = value;
    } else if (isSessionLabel(key) && count < MAX_SESSION_LABELS) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
        labels ??= {};
        labels[key.slice(LABEL_ATTRIBUTE_PREFIX.length)] = String(value);
        count++;
      }
    }
  }
  return name === null && labels === null ? null : { name, labels: labels ?? {} };
}

/**
 * Whether a label attribute says something of the session. The SDK's own `sightline_*` labels
 * (its version, the Node version, host, OS) describe the process, so sessions leave them out.
 */
function isSessionLabel(key: string): boolean {
  return (
    key.startsWith(LABEL_ATTRIBUTE_PREFIX) && key.length > LABEL_ATTRIBUTE_PREFIX.length && !key.startsWith('sightline.label.sightline_')
  );
}

/** `into` with what `more` adds: a name where it has none, labels it does not have yet (the first value of a key stays). */
export function mergeSessionDetails(into: SessionDetails | null, more: SessionDetails | null): SessionDetails | null {
  if (more === null) return into;
  if (into === null) return more;
  const labels: Record<string, string> = { ...into.labels };
  let count = Object.keys(labels).length;
  for (const [k, v] of Object.entries(more.labels)) {
    if (k in labels || count >= MAX_SESSION_LABELS) continue;
    labels[k] = v;
    count++;
  }
  return { name: into.name ?? more.name, labels };
}
