import type { JsonValue } from '../api/types';

/** Longer text is shown as it is: parsing it on every render is not worth the indent. */
const MAX_CHARS = 256 * 1024;

/**
 * The JSON object or array a text holds (a tool's result is often one, sent as a string), to
 * show it as structure; undefined for anything else, plain text and scalars included.
 */
export function jsonInText(text: string): JsonValue | undefined {
  if (text.length > MAX_CHARS) return undefined;
  const t = text.trim();
  if (!((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']')))) return undefined;
  try {
    return JSON.parse(t) as JsonValue;
  } catch {
    return undefined;
  }
}
