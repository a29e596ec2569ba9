import type { AnyValue, Attributes } from '@sightline/core';
import { type AttributeFilter, filterBoolean, filterNumber } from '@sightline/storage';

/**
 * A trace's filter Bloom filter: {@link FILTER_BLOOM_BYTES} bytes holding two entries per
 * top-level span attribute: its key, and its key with its value, where the value is a short
 * string, an int or a bool — or `*` for anything else (long text, doubles, arrays, kvlists).
 * Entries of all the trace's spans are OR-ed together. A filter becomes a bit test on 256
 * bytes per trace, so traces that cannot match are skipped before their spans are read. Big
 * traces saturate their filter and are simply never skipped.
 */
export const FILTER_BLOOM_BYTES = 256;
const BITS = FILTER_BLOOM_BYTES * 8;
const PROBES = 4;
/** Longest string value that gets an entry of its own. */
export const MAX_ENTRY_VALUE = 64;

/*
 * Entries are hashed as a stream — key, a separator, a type tag, the value — with FNV-1a over
 * UTF-16 code units in two seeds, so a key's state is computed once and reused for every
 * value. The running state lives in two module variables to avoid allocating per entry.
 */
let s1 = 0;
let s2 = 0;

function feed(text: string): void {
  let h1 = s1;
  let h2 = s2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  s1 = h1;
  s2 = h2;
}

function feedCode(c: number): void {
  s1 = Math.imul(s1 ^ c, 0x01000193);
  s2 = Math.imul(s2 ^ c, 0x5bd1e995);
}

function mix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function set(bloom: Uint8Array, h1: number, h2: number): void {
  for (let i = 0; i < PROBES; i++) {
    const bit = (h1 + Math.imul(i, h2)) & (BITS - 1);
    bloom[bit >>> 3] = (bloom[bit >>> 3] as number) | (1 << (bit & 7));
  }
}

export function hasEntry(bloom: Uint8Array, h1: number, h2: number): boolean {
  for (let i = 0; i < PROBES; i++) {
    const bit = (h1 + Math.imul(i, h2)) & (BITS - 1);
    if (((bloom[bit >>> 3] as number) & (1 << (bit & 7))) === 0) return false;
  }
  return true;
}

/** A key's own entry, and the hash state to continue with its value. */
interface KeyEntry {
  readonly h1: number;
  readonly h2: number;
  readonly s1: number;
  readonly s2: number;
}

const keyEntries = new Map<string, KeyEntry>();

function keyEntry(key: string): KeyEntry {
  let entry = keyEntries.get(key);
  if (!entry) {
    s1 = 0x811c9dc5;
    s2 = 0x5bd1e995;
    feed(key);
    const h1 = mix(s1);
    const h2 = mix(s2) | 1;
    feedCode(0);
    feedCode(0x3d);
    entry = { h1, h2, s1, s2 };
    if (keyEntries.size < 10_000) keyEntries.set(key, entry);
  }
  return entry;
}

/** Type tags of entry values. */
const TAG_STRING = 0x73;
const TAG_INT = 0x69;
const TAG_BOOL = 0x62;
const TAG_OTHER = 0x2a;

/** Feeds an attribute value's part of its entry: a tag and the value's text, or just `*`. */
function feedValue(value: AnyValue): void {
  switch (typeof value) {
    case 'string':
      if (value.length <= MAX_ENTRY_VALUE) {
        feedCode(TAG_STRING);
        feed(value);
      } else feedCode(TAG_OTHER);
      return;
    case 'bigint':
      feedCode(TAG_INT);
      feed(value.toString());
      return;
    case 'boolean':
      feedCode(TAG_BOOL);
      feedCode(value ? 0x74 : 0x66);
      return;
    default:
      feedCode(TAG_OTHER);
  }
}

/** Adds the entries of one span's attributes to a filter. */
export function addAttributes(bloom: Uint8Array, attributes: Attributes): void {
  for (const key in attributes) {
    const entry = keyEntry(key);
    set(bloom, entry.h1, entry.h2);
    s1 = entry.s1;
    s2 = entry.s2;
    feedValue(attributes[key] as AnyValue);
    set(bloom, mix(s1), mix(s2) | 1);
  }
}

/** The hashes of a key's entry, or of its entry with `value` (the entry a span with it would have). */
export function entryHashes(key: string, value?: AnyValue): [number, number] {
  const entry = keyEntry(key);
  if (value === undefined) return [entry.h1, entry.h2];
  s1 = entry.s1;
  s2 = entry.s2;
  feedValue(value);
  return [mix(s1), mix(s2) | 1];
}

/** Stands in for any value that has no entry of its own (long text, doubles, …). */
const OTHER: AnyValue = 0.5;

/**
 * The entries one of which a trace's filter must hold for `filter` to match one of its spans,
 * as hash pairs; null when the filter cannot tell (the condition is checked on spans only).
 */
export function filterEntries(filter: AttributeFilter): [number, number][] | null {
  if (filter.target !== 'span' || (filter.op !== 'eq' && filter.op !== 'exists')) return null;
  if (filter.op === 'exists') return [entryHashes(filter.key)];
  const v = filter.value;
  if (v === undefined) return null;
  // A span value that would match may be any of these; `OTHER` covers values without an entry.
  const values: AnyValue[] = [OTHER];
  if (typeof v === 'string') {
    if (v.length > MAX_ENTRY_VALUE) return null;
    values.push(v);
  }
  const n = filterNumber(v);
  // Beyond 2^53 numbers compare inexactly; let the spans decide.
  if (n !== null && !Number.isSafeInteger(n) && Number.isInteger(n)) return null;
  if (n !== null && Number.isInteger(n)) values.push(BigInt(n));
  const b = filterBoolean(v);
  if (b !== null) values.push(b);
  return values.map((value) => entryHashes(filter.key, value));
}
