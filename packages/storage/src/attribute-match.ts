import { type AnyValue, type Attributes, kindOf } from '@sightline/core';
import type { AttributeFilter } from './query.js';

/**
 * The reference semantics of an {@link AttributeFilter} on one attribute map. Backends that
 * filter in their own query language must agree with this; the conformance suite checks.
 */
export function matchesFilter(attributes: Attributes, filter: AttributeFilter): boolean {
  if (!Object.hasOwn(attributes, filter.key)) return false;
  const actual = attributes[filter.key] as AnyValue;
  const expected = filter.value;
  switch (filter.op) {
    case 'exists':
      return true;
    case 'eq':
      return expected !== undefined && looseEquals(actual, expected);
    case 'ne':
      return expected !== undefined && !looseEquals(actual, expected);
    case 'contains':
      return expected !== undefined && contains(actual, expected);
    default: {
      if (expected === undefined) return false;
      const order = compare(actual, expected);
      if (order === null) return false;
      if (filter.op === 'gt') return order > 0;
      if (filter.op === 'gte') return order >= 0;
      if (filter.op === 'lt') return order < 0;
      return order <= 0;
    }
  }
}

/** A finite number a filter value spells, or null. */
export function filterNumber(value: string | number | boolean): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** The boolean a filter value spells, or null. */
export function filterBoolean(value: string | number | boolean): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return null;
}

function looseEquals(actual: AnyValue, expected: string | number | boolean): boolean {
  switch (kindOf(actual)) {
    case 'string':
      return typeof expected === 'string' && actual === expected;
    case 'int':
    case 'double': {
      const n = filterNumber(expected);
      return n !== null && Number(actual) === n;
    }
    case 'bool':
      return filterBoolean(expected) === actual;
    default:
      return false;
  }
}

function contains(actual: AnyValue, expected: string | number | boolean): boolean {
  if (typeof actual === 'string') return asciiLower(actual).includes(asciiLower(String(expected)));
  if (Array.isArray(actual)) return actual.some((item) => looseEquals(item, expected));
  return false;
}

function compare(actual: AnyValue, expected: string | number | boolean): number | null {
  const kind = kindOf(actual);
  if (kind === 'int' || kind === 'double') {
    const n = filterNumber(expected);
    if (n === null) return null;
    const a = Number(actual);
    if (Number.isNaN(a)) return null;
    return a === n ? 0 : a > n ? 1 : -1;
  }
  if (kind === 'string' && typeof expected === 'string') {
    const a = actual as string;
    return a === expected ? 0 : a > expected ? 1 : -1;
  }
  return null;
}

/** Lowercases A-Z only, as SQL's LIKE does; other letters keep their case. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}
