const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of `bytes[start, end)`. */
export function bytesToHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  for (let i = start; i < end; i++) out += HEX[bytes[i] as number];
  return out;
}

const HEX_RE = /^[0-9a-f]*$/;

/** A trace id as the API and the store spell it: 32 lowercase hex characters, not all zero. */
export function isValidTraceId(id: string): boolean {
  return id.length === 32 && HEX_RE.test(id) && !isAllZero(id);
}

/** A span id as the API and the store spell it: 16 lowercase hex characters, not all zero. */
export function isValidSpanId(id: string): boolean {
  return id.length === 16 && HEX_RE.test(id) && !isAllZero(id);
}

/** Whether hex text is all zeroes: an id that is not set. */
export function isAllZero(id: string): boolean {
  for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) !== 48) return false;
  return true;
}

/** An id as OTLP carries one, with empty and all-zero meaning "no id": null then. */
export function idOrNull(hex: string): string | null {
  return hex === '' || isAllZero(hex) ? null : hex;
}

/**
 * Reads a user-supplied hex id (any case) of the given length in characters.
 * Returns the lowercase form, or null when it is not valid hex of that length.
 * Example: `normalizeHexId('0AF7651916CD43DD8448EB211C80319C', 32)`.
 */
export function normalizeHexId(id: string, length: 16 | 32): string | null {
  const lower = id.toLowerCase();
  if (lower.length !== length || !HEX_RE.test(lower) || isAllZero(lower)) return null;
  return lower;
}
