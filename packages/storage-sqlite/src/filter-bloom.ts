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

/**
 * Hash state after an entry's key. Entries are hashed as a stream: key, then a separator and
 * the value, so a key's state is computed once and reused for every value.
 */
type State = [number, number];

function feed(state: State, text: string): State {
  let [h1, h2] = state;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return [h1, h2];
}

const SEED: State = [0x811c9dc5, 0x5bd1e995];

function finish([h1, h2]: State): [number, number] {
  return [mix(h1), mix(h2) | 1];
}

function mix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export function setEntry(bloom: Uint8Array, [h1, h2]: [number, number]): void {
  for (let i = 0; i < PROBES; i++) {
    const bit = ((h1 + Math.imul(i, h2)) >>> 0) % BITS;
    bloom[bit >>> 3] = (bloom[bit >>> 3] as number) | (1 << (bit & 7));
  }
}

export function hasEntry(bloom: Uint8Array, h1: number, h2: number): boolean {
  for (let i = 0; i < PROBES; i++) {
    const bit = ((h1 + Math.imul(i, h2)) >>> 0) % BITS;
    if (((bloom[bit >>> 3] as number) & (1 << (bit & 7))) === 0) return false;
  }
  return true;
}

/** The entry for a key alone, and the state to continue with its value. */
interface KeyEntry {
  readonly key: [number, number];
  readonly state: State;
}

const keyEntries = new Map<string, KeyEntry>();

function keyEntry(key: string): KeyEntry {
  let entry = keyEntries.get(key);
  if (!entry) {
    const state = feed(SEED, key);
    entry = { key: finish(state), state: feed(state, '\u0000=') };
    if (keyEntries.size < 10_000) keyEntries.set(key, entry);
  }
  return entry;
}

/** The value part of an entry: a tag and the value's text, or `*` for values without one. */
function valueText(value: AnyValue): string {
  switch (typeof value) {
    case 'string':
      return value.length <= MAX_ENTRY_VALUE ? `s${value}` : '*';
    case 'bigint':
      return `i${value}`;
    case 'boolean':
      return value ? 'bt' : 'bf';
    default:
      return '*';
  }
}

/** The hashes of the entry `key` = value text. */
export function entryHashes(key: string, value?: string): [number, number] {
  const entry = keyEntry(key);
  return value === undefined ? entry.key : finish(feed(entry.state, value));
}

/** Adds the entries of one span's attributes to a filter. */
export function addAttributes(bloom: Uint8Array, attributes: Attributes): void {
  for (const key in attributes) {
    const entry = keyEntry(key);
    setEntry(bloom, entry.key);
    setEntry(bloom, finish(feed(entry.state, valueText(attributes[key] as AnyValue))));
  }
}

/**
 * The entries one of which a trace's filter must hold for `filter` to match one of its spans,
 * as hash pairs; null when the filter cannot tell (the condition is checked on spans only).
 */
export function filterEntries(filter: AttributeFilter): [number, number][] | null {
  if (filter.target !== 'span' || (filter.op !== 'eq' && filter.op !== 'exists')) return null;
  if (filter.op === 'exists') return [entryHashes(filter.key)];
  const v = filter.value;
  if (v === undefined) return null;
  const values = ['*'];
  if (typeof v === 'string') {
    if (v.length > MAX_ENTRY_VALUE) return null;
    values.push(`s${v}`);
  }
  const n = filterNumber(v);
  if (n !== null && Number.isInteger(n)) values.push(`i${BigInt(n)}`);
  const b = filterBoolean(v);
  if (b !== null) values.push(b ? 'bt' : 'bf');
  return values.map((text) => entryHashes(filter.key, text));
}
