/** How content (prompts, completions, function inputs and outputs) is captured. */
export interface ContentPolicy {
  readonly capture: boolean;
  readonly mask: ((text: string) => string) | null;
}

/** Captured text longer than this is cut (with a marker). */
export const MAX_CONTENT_CHARS = 32_768;

/** Text ready to leave the process: masked, then capped. */
export function prepareText(policy: ContentPolicy, text: string): string {
  const masked = policy.mask ? policy.mask(text) : text;
  return masked.length > MAX_CONTENT_CHARS
    ? `${masked.slice(0, MAX_CONTENT_CHARS)}…[truncated ${masked.length - MAX_CONTENT_CHARS} chars]`
    : masked;
}

/** A value as JSON text (strings as they are), masked and capped; unserialisable values are described. */
export function prepareValue(policy: ContentPolicy, value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      // A replacer slows every value down: only for what plain JSON refuses (bigints; cycles stay refused).
      try {
        text = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
      } catch {
        text = `[unserialisable ${Object.prototype.toString.call(value)}]`;
      }
    }
  }
  return prepareText(policy, text);
}
