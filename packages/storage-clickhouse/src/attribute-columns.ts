import { type AnyValue, type Attributes, kindOf } from '@sightline/core';

/**
 * Strings longer than this (prompts, completions, documents) stay out of the string map, which
 * every string filter reads: the few filters that can match one (equality with a value as
 * long, `contains`, `gt`/`lt`) read it from the span itself (see `attributeFilterSql`).
 */
export const LONG_STRING = 256;

/**
 * An attribute map split by type into columns a filter can read (see `attributeFilterSql`):
 * every key, and the values that filters compare — strings, numbers (ints and doubles alike,
 * as doubles, which is how filters compare them), booleans, and arrays of each. Values filters
 * never match (bytes, maps, NaN) leave only their key.
 */
export interface AttributeColumns {
  keys: string[];
  str: Record<string, string>;
  num: Record<string, number>;
  bool: Record<string, number>;
  arr_str: Record<string, string[]>;
  arr_num: Record<string, number[]>;
  arr_bool: Record<string, number[]>;
}

/** A double as JSON can carry it: infinities as the largest doubles, NaN as nothing. */
function finite(n: number): number | null {
  if (Number.isNaN(n)) return null;
  if (n === Number.POSITIVE_INFINITY) return Number.MAX_VALUE;
  if (n === Number.NEGATIVE_INFINITY) return -Number.MAX_VALUE;
  return n;
}

export function attributeColumns(attributes: Attributes): AttributeColumns {
  const out: AttributeColumns = { keys: [], str: {}, num: {}, bool: {}, arr_str: {}, arr_num: {}, arr_bool: {} };
  for (const key of Object.keys(attributes)) {
    out.keys.push(key);
    const value = attributes[key] as AnyValue;
    switch (kindOf(value)) {
      case 'string':
        if ((value as string).length <= LONG_STRING) out.str[key] = value as string;
        break;
      case 'int':
      case 'double': {
        const n = finite(Number(value));
        if (n !== null) out.num[key] = n;
        break;
      }
      case 'bool':
        out.bool[key] = value ? 1 : 0;
        break;
      case 'array': {
        const strs: string[] = [];
        const nums: number[] = [];
        const bools: number[] = [];
        for (const item of value as AnyValue[]) {
          const kind = kindOf(item);
          if (kind === 'string') strs.push(item as string);
          else if (kind === 'bool') bools.push(item ? 1 : 0);
          else if (kind === 'int' || kind === 'double') {
            const n = finite(Number(item));
            if (n !== null) nums.push(n);
          }
        }
        if (strs.length) out.arr_str[key] = strs;
        if (nums.length) out.arr_num[key] = nums;
        if (bools.length) out.arr_bool[key] = bools;
        break;
      }
      default:
    }
  }
  return out;
}

/** The columns of a span row named `<prefix>_keys`, `<prefix>_str`, …. */
export function prefixed<P extends string>(prefix: P, c: AttributeColumns): Record<string, unknown> {
  return {
    [`${prefix}_keys`]: c.keys,
    [`${prefix}_str`]: c.str,
    [`${prefix}_num`]: c.num,
    [`${prefix}_bool`]: c.bool,
    [`${prefix}_arr_str`]: c.arr_str,
    [`${prefix}_arr_num`]: c.arr_num,
    [`${prefix}_arr_bool`]: c.arr_bool,
  };
}
