import type { AnyValue } from '../model/any-value.js';
import { kindOf } from '../model/any-value.js';

/** Conversions from attribute values, lenient where sources disagree on types. Null when unusable. */

export function asString(v: AnyValue | undefined): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/** A count or other integer: ints, integral doubles, and numeric strings. */
export function asInt(v: AnyValue | undefined): number | null {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Number.isFinite(v) ? Math.round(v) : null;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v));
  return null;
}

export function asNumber(v: AnyValue | undefined): number | null {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

export function asBool(v: AnyValue | undefined): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'True') return true;
  if (v === 'false' || v === 'False') return false;
  return null;
}

/** A list of strings: a string array, a single string, or a JSON-encoded string array. */
export function asStrings(v: AnyValue | undefined): string[] | null {
  if (Array.isArray(v)) {
    // One pass, one new array: finish reasons are read this way for every call at ingest.
    let out: string[] | null = null;
    for (const item of v) {
      const s = asString(item);
      if (s !== null) (out ??= []).push(s);
    }
    return out;
  }
  if (typeof v === 'string') {
    const trimmed = v.trim();
    if (trimmed.startsWith('[')) {
      const parsed = parseJson(trimmed);
      if (Array.isArray(parsed)) {
        const out = parsed.filter((x): x is string => typeof x === 'string');
        return out.length ? out : null;
      }
    }
    return trimmed === '' ? null : [v];
  }
  return null;
}

/** JSON text parsed, or null when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * A structured value: a kvlist or array attribute as plain JS, or a string holding JSON
 * (some sources double-encode: a JSON string inside a JSON string is unwrapped once).
 */
export function asStructured(v: AnyValue | undefined): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') {
    let parsed = parseJson(v);
    if (typeof parsed === 'string' && /^\s*[[{]/.test(parsed)) parsed = parseJson(parsed);
    return parsed;
  }
  return toPlain(v);
}

/** An attribute value as plain JSON-compatible JS (ints as numbers, bytes as base64 text). */
export function toPlain(v: AnyValue): unknown {
  switch (kindOf(v)) {
    case 'int':
      return Number(v as bigint);
    case 'array':
      return (v as AnyValue[]).map(toPlain);
    case 'kvlist': {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, AnyValue>)) out[k] = toPlain(x);
      return out;
    }
    case 'bytes':
      return null;
    default:
      return v;
  }
}
