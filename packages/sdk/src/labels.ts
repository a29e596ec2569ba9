/** Labels: small string key/values carried on every span, for filtering and grouping. */
export type Labels = Readonly<Record<string, string>>;

export const LABEL_KEY = /^[a-z][a-z0-9_]{0,62}$/;
export const MAX_LABEL_VALUE = 256;
export const MAX_LABELS = 64;
/** Keys with this prefix are the SDK's own (SDK version, runtime, host, OS). */
export const SYSTEM_PREFIX = 'sightline_';
/** Labels go on spans as attributes under this prefix. */
export const LABEL_ATTRIBUTE_PREFIX = 'sightline.label.';

/** A label that breaks the rules; the message names the label and the rule. */
export class LabelError extends Error {
  override readonly name = 'LabelError';
}

/** Checks one user label; throws {@link LabelError}. */
export function checkLabel(key: string, value: unknown): asserts value is string {
  if (typeof key !== 'string' || !LABEL_KEY.test(key))
    throw new LabelError(`label key ${JSON.stringify(key)} is invalid: keys match ^[a-z][a-z0-9_]{0,62}$ (lowercase letters, digits, _)`);
  if (key.startsWith(SYSTEM_PREFIX))
    throw new LabelError(`label key "${key}" is reserved: keys starting with "${SYSTEM_PREFIX}" are set by Sightline`);
  if (typeof value !== 'string')
    throw new LabelError(`label "${key}" must have a string value, got ${value === null ? 'null' : typeof value}`);
  if (value.length > MAX_LABEL_VALUE)
    throw new LabelError(`label "${key}" is ${value.length} characters long; values are at most ${MAX_LABEL_VALUE}`);
}

/** Checks a set of user labels (and their count, counting what they are merged into). */
export function checkLabels(labels: Record<string, unknown>, alreadyThere: Labels = {}): Labels {
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels))
    throw new LabelError('labels must be an object of string values');
  for (const [k, v] of Object.entries(labels)) checkLabel(k, v);
  const keys = new Set([...Object.keys(alreadyThere).filter((k) => !k.startsWith(SYSTEM_PREFIX)), ...Object.keys(labels)]);
  if (keys.size > MAX_LABELS) throw new LabelError(`too many labels: ${keys.size}; at most ${MAX_LABELS}`);
  return labels as Labels;
}

/**
 * `SIGHTLINE_LABEL_<KEY>=value` variables as labels (the key lowercased). A variable that breaks
 * the label rules (or comes after the first {@link MAX_LABELS}) is passed to `onInvalid` with the
 * reason, and skipped: a stray variable in the deployment must not stop the app from starting.
 */
export function labelsFromEnv(env: Readonly<Record<string, string | undefined>>, onInvalid: (message: string) => void = () => {}): Labels {
  const out: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('SIGHTLINE_LABEL_') || value === undefined) continue;
    const key = name.slice('SIGHTLINE_LABEL_'.length).toLowerCase();
    try {
      checkLabel(key, value);
      if (count >= MAX_LABELS) throw new LabelError(`too many labels; at most ${MAX_LABELS}`);
    } catch (err) {
      onInvalid(`${name}: ${(err as Error).message}; the variable is ignored`);
      continue;
    }
    out[key] = value;
    count++;
  }
  return out;
}

/** Precedence: system < environment < explicit. */
export function mergeLabels(system: Labels, env: Labels, explicit: Labels): Labels {
  const merged = { ...system, ...env, ...checkLabels(explicit, env) };
  return merged;
}

/** Adds labels to `into` as span attributes (`sightline.label.<key>`). */
export function putLabelAttributes(into: Record<string, string>, labels: Labels): void {
  for (const k in labels) into[LABEL_ATTRIBUTE_PREFIX + k] = labels[k] as string;
}
