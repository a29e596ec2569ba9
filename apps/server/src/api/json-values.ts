import { type AnyValue, type Attributes, bytesToBase64, kindOf } from '@sightline/core';

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
