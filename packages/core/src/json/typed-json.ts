import type { AnyValue, KvList } from '../model/any-value.js';
import { newAttributes } from '../model/any-value.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';
import type { Utf8Builder } from './utf8-builder.js';

/**
 * Typed JSON: how {@link AnyValue}s are written to text stores without losing their type.
 *
 * It is ordinary JSON, so a database's JSON functions can filter on it, with three rules:
 * - an int is an integer literal (`24`), a double always has a fraction or exponent (`24.0`);
 * - bytes are `{"$bytes":"<base64>"}`, non-finite doubles `{"$double":"NaN"}`;
 * - a kvlist key that starts with `$` is written with one more `$` (so `$x` is stored `$$x`).
 *
 * {@link escapeKey} gives the stored spelling of a key, for queries.
 */
export function encodeTypedJson(value: AnyValue): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      return encodeDouble(value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += encodeTypedJson(value[i] as AnyValue);
    }
    return `${out}]`;
  }
  if (value instanceof Uint8Array) return `{"$bytes":"${bytesToBase64(value)}"}`;
  return encodeKvList(value as KvList);
}

/** A key/value list as a typed JSON object. */
export function encodeKvList(kv: KvList): string {
  let out = '{';
  let first = true;
  for (const key in kv) {
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(escapeKey(key));
    out += ':';
    out += encodeTypedJson(kv[key] as AnyValue);
  }
  return `${out}}`;
}

/** Characters a JSON string cannot hold as they are (and lone surrogates, which UTF-8 cannot). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must be escaped.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * Writes the same typed JSON as {@link encodeKvList}, as UTF-8 bytes, without building the
 * intermediate strings.
 */
export function writeKvList(out: Utf8Builder, kv: KvList): void {
  out.byte(0x7b);
  let first = true;
  for (const key in kv) {
    if (!first) out.byte(0x2c);
    first = false;
    writeString(out, escapeKey(key));
    out.byte(0x3a);
    writeTypedJson(out, kv[key] as AnyValue);
  }
  out.byte(0x7d);
}

/** Writes the same typed JSON as {@link encodeTypedJson}, as UTF-8 bytes. */
export function writeTypedJson(out: Utf8Builder, value: AnyValue): void {
  switch (typeof value) {
    case 'string':
      writeString(out, value);
      return;
    case 'boolean':
    case 'bigint':
    case 'number':
      out.text(encodeTypedJson(value));
      return;
  }
  if (value === null) out.text('null');
  else if (Array.isArray(value)) {
    out.byte(0x5b);
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.byte(0x2c);
      writeTypedJson(out, value[i] as AnyValue);
    }
    out.byte(0x5d);
  } else if (value instanceof Uint8Array) out.text(encodeTypedJson(value));
  else writeKvList(out, value as KvList);
}

function writeString(out: Utf8Builder, s: string): void {
  if (!NEEDS_ESCAPE.test(s)) {
    out.byte(0x22);
    out.text(s);
    out.byte(0x22);
  } else if (CONTROL_OR_SURROGATE.test(s)) writeEscaped(out, s);
  else writeQuotesEscaped(out, s);
}

/** What {@link writeEscaped} takes a character at a time: control characters and surrogates (pairs too). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must be escaped.
const CONTROL_OR_SURROGATE = /[\u0000-\u001f\ud800-\udfff]/;

/**
 * A JSON string literal whose only characters to escape are `"` and `\` — JSON held in a
 * string attribute, as LLM messages are: the runs between them go to UTF-8 in bulk, found by
 * the engine's own search (a byte at a time, as {@link writeEscaped} does, was a twentieth of
 * the ingest thread's time on such spans).
 */
function writeQuotesEscaped(out: Utf8Builder, s: string): void {
  out.byte(0x22);
  let quote = s.indexOf('"');
  let backslash = s.indexOf('\\');
  let from = 0;
  for (;;) {
    const next = quote === -1 ? backslash : backslash === -1 ? quote : Math.min(quote, backslash);
    const end = next === -1 ? s.length : next;
    if (end > from) out.text(s.slice(from, end));
    if (next === -1) break;
    out.byte(0x5c);
    out.byte(s.charCodeAt(next));
    from = next + 1;
    if (next === quote) quote = s.indexOf('"', from);
    else backslash = s.indexOf('\\', from);
  }
  out.byte(0x22);
}

const HEX_DIGITS = '0123456789abcdef';

/**
 * A JSON string literal with escapes, written byte by byte — the same text JSON.stringify
 * gives (short escapes for \b \f \n \r \t, \uXXXX for other control characters and
 * lone surrogates), without building it as a string first.
 */
function writeEscaped(out: Utf8Builder, s: string): void {
  const n = s.length;
  out.ensure(n * 6 + 2);
  const buf = out.buf;
  let p = out.pos;
  buf[p++] = 0x22;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c) {
        buf[p++] = c;
        continue;
      }
      buf[p++] = 0x5c;
      if (c === 0x22 || c === 0x5c) buf[p++] = c;
      else if (c === 0x0a) buf[p++] = 0x6e;
      else if (c === 0x0d) buf[p++] = 0x72;
      else if (c === 0x09) buf[p++] = 0x74;
      else if (c === 0x08) buf[p++] = 0x62;
      else if (c === 0x0c) buf[p++] = 0x66;
      else p = writeUnicodeEscape(buf, p, c);
    } else if (c < 0x800) {
      buf[p++] = 0xc0 | (c >> 6);
      buf[p++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        buf[p++] = 0xf0 | (cp >> 18);
        buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
        buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
        buf[p++] = 0x80 | (cp & 0x3f);
        i++;
      } else {
        buf[p++] = 0x5c;
        p = writeUnicodeEscape(buf, p, c);
      }
    } else {
      buf[p++] = 0xe0 | (c >> 12);
      buf[p++] = 0x80 | ((c >> 6) & 0x3f);
      buf[p++] = 0x80 | (c & 0x3f);
    }
  }
  buf[p++] = 0x22;
  out.pos = p;
}

/** Writes `uXXXX` (the backslash is already written). */
function writeUnicodeEscape(buf: Uint8Array, at: number, c: number): number {
  let p = at;
  buf[p++] = 0x75;
  buf[p++] = HEX_DIGITS.charCodeAt((c >> 12) & 15);
  buf[p++] = HEX_DIGITS.charCodeAt((c >> 8) & 15);
  buf[p++] = HEX_DIGITS.charCodeAt((c >> 4) & 15);
  buf[p++] = HEX_DIGITS.charCodeAt(c & 15);
  return p;
}

/** The stored spelling of a kvlist key. */
export function escapeKey(key: string): string {
  return key.charCodeAt(0) === 36 /* $ */ ? `$${key}` : key;
}

function encodeDouble(n: number): string {
  if (!Number.isFinite(n)) return `{"$double":"${n}"}`;
  if (Object.is(n, -0)) return '-0.0';
  const text = String(n);
  return Number.isInteger(n) && !text.includes('e') ? `${text}.0` : text;
}

/** Thrown when stored text is not typed JSON (a corrupted store). */
export class TypedJsonError extends Error {
  override readonly name = 'TypedJsonError';
}

let src = '';
let pos = 0;

/** Reads typed JSON back into an {@link AnyValue}. */
export function decodeTypedJson(text: string): AnyValue {
  src = text;
  pos = 0;
  const value = parseValue();
  skipWs();
  if (pos !== src.length) fail('trailing characters');
  src = '';
  return value;
}

function fail(what: string): never {
  const at = pos;
  src = '';
  throw new TypedJsonError(`invalid typed JSON at ${at}: ${what}`);
}

function skipWs(): void {
  let c = src.charCodeAt(pos);
  while (c === 32 || c === 10 || c === 13 || c === 9) c = src.charCodeAt(++pos);
}

function parseValue(): AnyValue {
  skipWs();
  const c = src.charCodeAt(pos);
  if (c === 34 /* " */) return parseString();
  if (c === 123 /* { */) return parseObject();
  if (c === 91 /* [ */) return parseArray();
  if (c === 116 /* t */ && src.startsWith('true', pos)) {
    pos += 4;
    return true;
  }
  if (c === 102 /* f */ && src.startsWith('false', pos)) {
    pos += 5;
    return false;
  }
  if (c === 110 /* n */ && src.startsWith('null', pos)) {
    pos += 4;
    return null;
  }
  return parseNumber();
}

function parseString(): string {
  const start = pos + 1;
  let i = start;
  for (;;) {
    const c = src.charCodeAt(i);
    if (c === 34) {
      pos = i + 1;
      return src.slice(start, i);
    }
    if (c === 92 /* \ */) break;
    if (Number.isNaN(c)) fail('unterminated string');
    i++;
  }
  // Escapes present: find the closing quote, then let the native parser unescape.
  for (;;) {
    const c = src.charCodeAt(i);
    if (c === 92) i += 2;
    else if (c === 34) break;
    else if (Number.isNaN(c)) fail('unterminated string');
    else i++;
  }
  const raw = src.slice(start - 1, i + 1);
  pos = i + 1;
  try {
    return JSON.parse(raw) as string;
  } catch {
    return fail('bad string escape');
  }
}

function parseNumber(): bigint | number {
  const start = pos;
  let isDouble = false;
  for (;;) {
    const c = src.charCodeAt(pos);
    if ((c >= 48 && c <= 57) || c === 45 /* - */ || c === 43 /* + */) pos++;
    else if (c === 46 /* . */ || c === 101 /* e */ || c === 69 /* E */) {
      isDouble = true;
      pos++;
    } else break;
  }
  const text = src.slice(start, pos);
  if (text === '') fail('unexpected character');
  if (isDouble) {
    const n = Number(text);
    if (Number.isNaN(n)) fail('bad number');
    return n;
  }
  try {
    return BigInt(text);
  } catch {
    return fail('bad integer');
  }
}

function parseArray(): AnyValue[] {
  pos++;
  const out: AnyValue[] = [];
  skipWs();
  if (src.charCodeAt(pos) === 93 /* ] */) {
    pos++;
    return out;
  }
  for (;;) {
    out.push(parseValue());
    skipWs();
    const c = src.charCodeAt(pos++);
    if (c === 93) return out;
    if (c !== 44 /* , */) fail('expected , or ]');
  }
}

function parseObject(): AnyValue {
  pos++;
  const out = newAttributes();
  skipWs();
  if (src.charCodeAt(pos) === 125 /* } */) {
    pos++;
    return out;
  }
  let count = 0;
  let marker: string | null = null;
  for (;;) {
    skipWs();
    if (src.charCodeAt(pos) !== 34) fail('expected a key');
    const stored = parseString();
    skipWs();
    if (src.charCodeAt(pos++) !== 58 /* : */) fail('expected :');
    const value = parseValue();
    count++;
    if (stored === '$bytes' || stored === '$double') marker = stored;
    out[stored.charCodeAt(0) === 36 ? stored.slice(1) : stored] = value;
    skipWs();
    const c = src.charCodeAt(pos++);
    if (c === 125) break;
    if (c !== 44) fail('expected , or }');
  }
  if (marker !== null && count === 1) {
    const payload = out[marker.slice(1)];
    if (typeof payload !== 'string') fail(`${marker} needs a string`);
    if (marker === '$bytes') return base64ToBytes(payload);
    return Number(payload);
  }
  return out;
}
