import { InvalidCursorError } from './errors.js';

/**
 * A keyset position: the sort value of the last item of a page and a backend key that breaks
 * ties. The ordering is part of the cursor so a cursor is never reused under another order.
 */
export interface KeysetPosition {
  readonly value: string;
  readonly key: string;
}

/** An ordering of a list: a field and a direction. */
export interface SortOrder {
  readonly field: string;
  readonly direction: 'asc' | 'desc';
}

export function encodeCursor(order: SortOrder, position: KeysetPosition): string {
  const json = JSON.stringify([`${order.field}:${order.direction}`, position.value, position.key]);
  return btoa(json).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Whether `text` is a decimal integer a signed 64-bit column holds (keys, times in ns, counts). */
export function isInt64Text(text: string): boolean {
  if (!/^-?\d{1,19}$/.test(text)) return false;
  const n = BigInt(text);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

/**
 * Reads a cursor; throws {@link InvalidCursorError} when it is not one for this ordering or its
 * key is not what the backend's keys look like (`isKey`; by default a 64-bit integer): a cursor
 * is client input, and a forged one must not reach the store.
 */
export function decodeCursor(cursor: string, order: SortOrder, isKey: (key: string) => boolean = isInt64Text): KeysetPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    throw new InvalidCursorError();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    parsed[0] !== `${order.field}:${order.direction}` ||
    typeof parsed[1] !== 'string' ||
    typeof parsed[2] !== 'string' ||
    !isKey(parsed[2])
  ) {
    throw new InvalidCursorError();
  }
  return { value: parsed[1], key: parsed[2] };
}
