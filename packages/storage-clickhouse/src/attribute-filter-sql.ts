import { escapeKey } from '@sightline/core';
import { type AttributeFilter, filterBoolean, filterNumber } from '@sightline/storage';
import { LONG_STRING } from './attribute-columns.js';
import type { SqlParams } from './query-params.js';

/**
 * A filter as a condition on a row of `span_search` (see `attributeColumns`), with the meaning
 * `matchesFilter` gives it: the conformance suite holds the two together. `project` is the
 * placeholder of the project, for the filters that read long strings from `spans`.
 */
export function attributeFilterSql(f: AttributeFilter, params: SqlParams, project: string): string {
  const c = f.target === 'resource' ? 'res' : 'attr';
  const key = params.add(f.key, 'String');
  const has = `has(${c}_keys, ${key})`;
  if (f.op === 'exists') return has;
  const value = f.value;
  if (value === undefined) return '0';
  const n = filterNumber(value);
  const b = filterBoolean(value);
  const isStr = typeof value === 'string';
  const at = (map: string) => `mapContains(${c}_${map}, ${key}) AND ${c}_${map}[${key}]`;
  // Strings longer than LONG_STRING are read from the span's typed JSON (resource: under "a").
  const path = `${f.target === 'resource' ? `resource, 'a'` : 'attributes'}, ${params.add(escapeKey(f.key), 'String')}`;
  const onSpan = (condition: string) =>
    `(trace_id, span_id) IN (SELECT trace_id, span_id FROM spans WHERE project = ${project} AND JSONType(${path}) = 'String' AND ${condition})`;
  const long = (cmp: string, p: string) => onSpan(`JSONExtractString(${path}) ${cmp} ${p}`);
  const str = (cmp: string, v: string) => {
    const p = params.add(v, 'String');
    // A short value equals no long string, and a long one no short string.
    if (cmp === '=') return v.length > LONG_STRING ? long('=', p) : `(${at('str')} = ${p})`;
    return `((${at('str')} ${cmp} ${p}) OR ${long(cmp, p)})`;
  };
  const contains = (needle: string) =>
    `((mapContains(${c}_str, ${key}) AND positionCaseInsensitive(${c}_str[${key}], ${needle}) > 0) OR ${onSpan(`positionCaseInsensitive(JSONExtractString(${path}), ${needle}) > 0`)})`;
  switch (f.op) {
    case 'eq':
    case 'ne': {
      const eq = anyOf([
        isStr ? str('=', value) : null,
        n !== null ? `(${at('num')} = ${params.add(n, 'Float64')})` : null,
        b !== null ? `(${at('bool')} = ${b ? 1 : 0})` : null,
      ]);
      return f.op === 'eq' ? eq : `(${has} AND NOT ${eq})`;
    }
    case 'contains':
      return anyOf([
        contains(params.add(String(value), 'String')),
        isStr ? `has(${c}_arr_str[${key}], ${params.add(value, 'String')})` : null,
        n !== null ? `has(${c}_arr_num[${key}], ${params.add(n, 'Float64')})` : null,
        b !== null ? `has(${c}_arr_bool[${key}], ${b ? 1 : 0})` : null,
      ]);
    default: {
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[f.op];
      return anyOf([n !== null ? `(${at('num')} ${op} ${params.add(n, 'Float64')})` : null, isStr ? str(op, value) : null]);
    }
  }
}

function anyOf(conditions: (string | null)[]): string {
  const some = conditions.filter((c) => c !== null);
  return some.length ? `(${some.join(' OR ')})` : '0';
}
