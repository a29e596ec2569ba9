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

/** Reads a cursor; throws {@link InvalidCursorError} when it is not one for this ordering. */
export function decodeCursor(cursor: string, order: SortOrder): KeysetPosition {
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
    typeof parsed[2] !== 'string'
  ) {
    throw new InvalidCursorError();
  }
  return { value: parsed[1], key: parsed[2] };
}
