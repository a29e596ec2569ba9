import { type AnyValue, type Attributes, bytesToBase64, kindOf, newAttributes } from '@sightline/core';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * An attribute value as plain JSON: ints as numbers (as decimal strings beyond ±2^53, where
 * JSON numbers lose precision), doubles as numbers (`"NaN"`, `"Infinity"` as strings), bytes
 * as base64 strings, kvlists as objects.
 */
export function valueToJson(value: AnyValue): Json {
  switch (kindOf(value)) {
    case 'string':
    case 'bool':
      return value as string | boolean;
    case 'int': {
      const n = value as bigint;
      return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n.toString();
    }
    case 'double': {
      const d = value as number;
      return Number.isFinite(d) ? d : String(d);
    }
    case 'bytes':
      return bytesToBase64(value as Uint8Array);
    case 'array':
      return (value as AnyValue[]).map(valueToJson);
    case 'kvlist':
      return attributesToJson(value as Attributes);
    case 'empty':
      return null;
  }
}

export function attributesToJson(attributes: Attributes): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const key in attributes) {
    // defineProperty keeps a "__proto__" key as data on a plain object.
    Object.defineProperty(out, key, {
      value: valueToJson(attributes[key] as AnyValue),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** A JSON value as an attribute value: integral numbers become ints, other numbers doubles. */
export function jsonToValue(value: unknown): AnyValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(jsonToValue);
  if (typeof value === 'object') return jsonToAttributes(value as Record<string, unknown>);
  return null;
}

export function jsonToAttributes(obj: Record<string, unknown>): Attributes {
  const out = newAttributes();
  for (const key of Object.keys(obj)) out[key] = jsonToValue(obj[key]);
  return out;
}
