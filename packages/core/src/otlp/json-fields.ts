import { base64ToBytes } from '../json/base64.js';
import { DecodeError } from './decode-error.js';

/**
 * Helpers for reading OTLP/JSON: lowerCamelCase keys (the original snake_case names are
 * accepted too, as protobuf's JSON mapping requires of parsers), 64-bit integers as strings
 * or numbers, enums as integers (or their names). Type errors name the offending path.
 */
export type JsonObject = { readonly [key: string]: unknown };

export function field(obj: JsonObject, camel: string, snake: string): unknown {
  const value = obj[camel];
  return value === undefined ? obj[snake] : value;
}

export function asObject(value: unknown, path: string): JsonObject | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new DecodeError(`${path}: expected an object`);
  return value as JsonObject;
}

export function asArray(value: unknown, path: string): readonly unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new DecodeError(`${path}: expected an array`);
  return value;
}

export function asString(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new DecodeError(`${path}: expected a string`);
  return value;
}

const INT_RE = /^-?\d+$/;

/** An int64 / uint64 / fixed64 given as a decimal string or a JSON number. */
export function asInt64(value: unknown, path: string): bigint {
  if (value === undefined || value === null) return 0n;
  if (typeof value === 'string' && INT_RE.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  throw new DecodeError(`${path}: expected an integer (a number or a decimal string)`);
}

export function asUint32(value: unknown, path: string): number {
  const n = asInt64(value, path);
  if (n < 0n || n > 0xffffffffn) throw new DecodeError(`${path}: expected an unsigned 32-bit integer`);
  return Number(n);
}

/** An enum given as its integer value or, leniently, its name from `names`. */
export function asEnum(value: unknown, path: string, names: readonly string[]): number {
  if (typeof value === 'string' && !INT_RE.test(value)) {
    const index = names.indexOf(value);
    if (index < 0) throw new DecodeError(`${path}: unknown enum value "${value}"`);
    return index;
  }
  const n = asInt64(value, path);
  if (n < -0x80000000n || n > 0x7fffffffn) throw new DecodeError(`${path}: enum value out of range`);
  return Number(n);
}

export function asDouble(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  throw new DecodeError(`${path}: expected a number`);
}

export function asBool(value: unknown, path: string): boolean {
  if (typeof value === 'boolean') return value;
  throw new DecodeError(`${path}: expected true or false`);
}

const HEX_RE = /^[0-9a-fA-F]*$/;

/** An id in OTLP/JSON's hex form. Returns its lowercase hex, or null when it is not hex. */
export function asHexId(value: unknown, path: string): string | null {
  const text = asString(value, path);
  if (text.length % 2 !== 0 || !HEX_RE.test(text)) return null;
  return text.toLowerCase();
}

const B64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** A `bytes` value in protobuf JSON's base64 (standard or URL-safe alphabet). */
export function asBase64(value: unknown, path: string): Uint8Array {
  const text = asString(value, path);
  if (!B64_RE.test(text)) throw new DecodeError(`${path}: expected base64`);
  try {
    return base64ToBytes(text);
  } catch {
    throw new DecodeError(`${path}: expected base64`);
  }
}
