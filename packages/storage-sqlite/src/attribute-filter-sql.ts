import { escapeKey } from '@sightline/core';
import { type AttributeFilter, filterBoolean, filterNumber } from '@sightline/storage';

/** A SQL fragment and the values bound to its `?`s, in order. */
export interface SqlFragment {
  readonly sql: string;
  readonly params: unknown[];
}

/**
 * The JSON path of an attribute key in typed JSON. Keys are quoted (so dots are not nesting)
 * and escaped, and the path is always a bound value, never spliced into SQL.
 */
export function jsonPath(key: string): string {
  return `$."${escapeKey(key).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * SQL for one attribute filter on the typed-JSON column `column`, with the same semantics as
 * `matchesFilter` in @sightline/storage (the conformance suite holds the two together).
 */
export function attributeFilterSql(column: string, filter: AttributeFilter): SqlFragment {
  const exact = exactFilterSql(column, filter);
  // Cheap substring tests first: a span whose text lacks the key (or the exact string value)
  // cannot match, and skipping it saves parsing its JSON. The JSON functions decide the rest.
  const needles = [`${JSON.stringify(escapeKey(filter.key))}:`];
  const v = filter.value;
  if (filter.op === 'eq' && typeof v === 'string' && filterNumber(v) === null && filterBoolean(v) === null) needles.push(JSON.stringify(v));
  const pre = needles.map(() => `instr(${column}, ?) > 0`).join(' AND ');
  return { sql: `(${pre} AND ${exact.sql})`, params: [...needles, ...exact.params] };
}

function exactFilterSql(column: string, filter: AttributeFilter): SqlFragment {
  const path = jsonPath(filter.key);
  const type = `json_type(${column}, ?)`;
  const value = `json_extract(${column}, ?)`;
  const v = filter.value;
  switch (filter.op) {
    case 'exists':
      return { sql: `${type} IS NOT NULL`, params: [path] };
    case 'eq':
      return v === undefined ? FALSE : equality(type, value, path, v);
    case 'ne': {
      if (v === undefined) return FALSE;
      const eq = equality(type, value, path, v);
      return { sql: `(${type} IS NOT NULL AND NOT ${eq.sql})`, params: [path, ...eq.params] };
    }
    case 'contains': {
      if (v === undefined) return FALSE;
      const text = String(v);
      const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const element = elementEquality(v);
      return {
        sql: `((${type} = 'text' AND ${value} LIKE ? ESCAPE '\\') OR (${type} = 'array' AND EXISTS (SELECT 1 FROM json_each(${column}, ?) WHERE ${element.sql})))`,
        params: [path, path, like, path, path, ...element.params],
      };
    }
    default: {
      if (v === undefined) return FALSE;
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[filter.op];
      const parts: string[] = [];
      const params: unknown[] = [];
      const n = filterNumber(v);
      if (n !== null) {
        parts.push(`(${type} IN ('integer', 'real') AND ${value} ${op} ?)`);
        params.push(path, path, n);
      }
      if (typeof v === 'string') {
        parts.push(`(${type} = 'text' AND ${value} ${op} ?)`);
        params.push(path, path, v);
      }
      return parts.length ? { sql: `(${parts.join(' OR ')})`, params } : FALSE;
    }
  }
}

const FALSE: SqlFragment = { sql: '0', params: [] };

function equality(type: string, value: string, path: string, v: string | number | boolean): SqlFragment {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (typeof v === 'string') {
    parts.push(`(${type} = 'text' AND ${value} = ?)`);
    params.push(path, path, v);
  }
  const n = filterNumber(v);
  if (n !== null) {
    parts.push(`(${type} IN ('integer', 'real') AND ${value} = ?)`);
    params.push(path, path, n);
  }
  const b = filterBoolean(v);
  if (b !== null) {
    parts.push(`${type} = ?`);
    params.push(path, b ? 'true' : 'false');
  }
  return parts.length ? { sql: `(${parts.join(' OR ')})`, params } : FALSE;
}

/** Loose equality on a `json_each` row (columns `type` and `atom`). */
function elementEquality(v: string | number | boolean): SqlFragment {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (typeof v === 'string') {
    parts.push(`(type = 'text' AND atom = ?)`);
    params.push(v);
  }
  const n = filterNumber(v);
  if (n !== null) {
    parts.push(`(type IN ('integer', 'real') AND atom = ?)`);
    params.push(n);
  }
  const b = filterBoolean(v);
  if (b !== null) {
    parts.push('type = ?');
    params.push(b ? 'true' : 'false');
  }
  return parts.length ? { sql: `(${parts.join(' OR ')})`, params } : { sql: '0', params: [] };
}
