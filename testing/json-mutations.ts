import { between, INVALID_UTF8, MAX_FUZZ_BODY_BYTES, pick } from './fuzz-choice.js';
import type { MutatedBody } from './proto-mutations.js';

/** Special nodes met while writing (see {@link write}); null outside a write. */
let specials: string[] | null = null;

/** Stands in for `text` in JSON.stringify's output; {@link write} swaps the text in. */
function placeholder(text: string): string {
  if (specials === null) throw new Error('json-mutations: special nodes are written by write()');
  specials.push(text);
  return `\u0001${specials.length - 1}\u0001`;
}

/** JSON text written verbatim: literals JSON.stringify cannot spell (1e400, -0) and nesting too deep to build as objects. */
class Raw {
  constructor(readonly text: string) {}
  toJSON(): string {
    return placeholder(this.text);
  }
}

/** An object written with its entries in order, duplicate keys and all. */
class Entries {
  constructor(readonly entries: readonly (readonly [string, unknown])[]) {}
  toJSON(): string {
    return placeholder(`{${this.entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v)}`).join(',')}}`);
  }
}

type Holder = Record<string, unknown> | unknown[];
type Slot = { holder: Holder; key: string | number; value: unknown; up: Slot | null };
type Tree = { root: unknown };
type JsonMutation = (tree: Tree, rand: () => number) => string | null;
type ByteMutation = (body: Uint8Array, rand: () => number) => [Uint8Array, string];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Raw) && !(v instanceof Entries);

/** Every value of the tree (the root too) with where it sits; descendants before their ancestors. */
function slots(tree: Tree, test: (s: Slot) => boolean = () => true): Slot[] {
  const out: Slot[] = [];
  const stack: Slot[] = [{ holder: tree as unknown as Holder, key: 'root', value: tree.root, up: null }];
  for (let s = stack.pop(); s !== undefined; s = stack.pop()) {
    if (test(s)) out.push(s);
    const v = s.value;
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) stack.push({ holder: v, key: i, value: v[i], up: s });
    else if (isObject(v)) for (const k of Object.keys(v)) stack.push({ holder: v, key: k, value: v[k], up: s });
  }
  return out.reverse();
}

/** Where a value sits, as `$.resourceSpans[0].scopeSpans[0]`. */
function pathOf(slot: Slot): string {
  const parts: string[] = [];
  for (let s: Slot | null = slot; s !== null && s.up !== null; s = s.up) parts.push(typeof s.key === 'number' ? `[${s.key}]` : `.${s.key}`);
  return `$${parts.reverse().join('')}`;
}

function set(s: Slot, value: unknown): void {
  (s.holder as Record<string | number, unknown>)[s.key] = value;
}

/**
 * JSON text of the tree, with {@link Raw} and {@link Entries} written as they ask. The bulk is
 * left to JSON.stringify (fast); the few special nodes go in through placeholders.
 */
function write(value: unknown): string {
  const outer = specials;
  const mine: string[] = [];
  specials = mine;
  try {
    const text = JSON.stringify(value) ?? 'null';
    return mine.length === 0 ? text : text.replace(/"\\u0001(\d+)\\u0001"/g, (_, i: string) => mine[Number(i)] as string);
  } finally {
    specials = outer;
  }
}

const size = (tree: Tree) => Buffer.byteLength(write(tree.root));
const ID_KEY = /^(traceId|spanId|parentSpanId|trace_id|span_id|parent_span_id)$/;
const ENUM_KEY = /^(kind|code|severityNumber|severity_number|type|severity|status)$/;
const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const OTHER_TYPES: readonly [string, unknown][] = [
  ['null', null],
  ['true', true],
  ['0', 0],
  ['-1', -1],
  ['""', ''],
  ['"text"', 'text'],
  ['{}', {}],
  ['[]', []],
  ['[null]', [null]],
  ['{"a":1}', { a: 1 }],
];
const BOUNDARY_NUMBERS = [
  '1e30',
  '-1',
  '9223372036854775807',
  '9223372036854775808',
  '"9223372036854775808"',
  '18446744073709551616',
  '"18446744073709551615"',
  '"-9223372036854775809"',
  '"NaN"',
  '"Infinity"',
  '"-Infinity"',
  '1e400',
  '-0',
  '1.5',
  '"1.5"',
  '"0x10"',
  '"1e3"',
  '" 12"',
  '""',
  '4294967296',
  '-4294967297',
];
const BAD_ENUMS = [
  '"SPAN_KIND_SERVER"',
  '"SPAN_KIND_BOGUS"',
  '"STATUS_CODE_ERROR"',
  '"SEVERITY_NUMBER_INFO"',
  '99',
  '-1',
  '2.5',
  '"2"',
  '4294967296',
  'true',
];
const BAD_IDS = [
  '""',
  `"${'zz'.repeat(16)}"`,
  `"${'AB'.repeat(16)}"`,
  `"${'ab'.repeat(15)}"`,
  `"${'ab'.repeat(17)}"`,
  `"${'0'.repeat(32)}"`,
  `"${'0'.repeat(16)}"`,
  '"q83vEjRWeJA="',
  '"abc"',
  '123',
  `" ${'ab'.repeat(8)}"`,
];

/** A chain of `depth` OTLP AnyValues, kvlists or arrays, around a string; written flat, so any depth is cheap. */
function deepAnyValueJson(depth: number, kvlist: boolean): string {
  const open = kvlist ? '{"kvlistValue":{"values":[{"key":"k","value":' : '{"arrayValue":{"values":[';
  const close = kvlist ? '}]}}' : ']}}';
  return `${open.repeat(depth)}{"stringValue":"leaf"}${close.repeat(depth)}`;
}

/** The structure-aware mutations of a parsed JSON body, by name. */
export const JSON_MUTATIONS: Readonly<Record<string, JsonMutation>> = {
  retype: (tree, rand) => {
    const s = pick(rand, slots(tree));
    const [label, value] = pick(rand, OTHER_TYPES);
    set(s, structuredClone(value));
    return `retype ${pathOf(s)}=${label}`;
  },
  'boundary-number': (tree, rand) => {
    const all = slots(tree, (s) => typeof s.value === 'number' || (typeof s.value === 'string' && /^-?\d+$/.test(s.value)));
    if (all.length === 0) return null;
    const s = pick(rand, all);
    const literal = pick(rand, BOUNDARY_NUMBERS);
    set(s, new Raw(literal));
    return `boundary-number ${pathOf(s)}=${literal}`;
  },
  'long-string': (tree, rand) => {
    const all = slots(tree, (s) => typeof s.value === 'string');
    if (all.length === 0) return null;
    const s = pick(rand, all);
    const length = Math.min(pick(rand, [5_000, 70_000, 900_000]), MAX_FUZZ_BODY_BYTES - size(tree) - 64);
    if (length < 1000) return null;
    set(s, 'é'.repeat(Math.floor(length / 2)));
    return `long-string ${pathOf(s)} ${length} bytes`;
  },
  'escaped-oddities': (tree, rand) => {
    const all = slots(tree, (s) => typeof s.value === 'string');
    if (all.length === 0) return null;
    const s = pick(rand, all);
    const text = pick(rand, ['"a\\ud800b"', '"\\udc00"', '"\\ud83d"', '"nul\\u0000nul"', '"\\u2028\\u2029"', '"\\uFEFF"']);
    set(s, new Raw(text));
    return `escaped-oddities ${pathOf(s)}=${text}`;
  },
  'deep-json': (tree, rand) => {
    const s = pick(rand, slots(tree));
    const depth = pick(rand, [1000, 10_000, 100_000]);
    const arrays = rand() < 0.5;
    set(s, new Raw(arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));
    return `deep-json ${pathOf(s)} ${arrays ? 'arrays' : 'objects'} ×${depth}`;
  },
  'deep-anyvalue': (tree, rand) => {
    const all = slots(tree, (s) => s.key === 'value' || s.key === 'body');
    if (all.length === 0) return null;
    const s = pick(rand, all);
    const depth = pick(rand, [33, 1000, 5000]);
    const kvlist = rand() < 0.5;
    set(s, new Raw(deepAnyValueJson(depth, kvlist)));
    return `deep-anyvalue ${pathOf(s)} ${kvlist ? 'kvlist' : 'array'} ×${depth}`;
  },
  'bad-enum': (tree, rand) => {
    const all = slots(tree, (s) => typeof s.key === 'string' && ENUM_KEY.test(s.key));
    if (all.length === 0) return null;
    const s = pick(rand, all);
    const literal = pick(rand, BAD_ENUMS);
    set(s, new Raw(literal));
    return `bad-enum ${pathOf(s)}=${literal}`;
  },
  'bad-hex-id': (tree, rand) => {
    const all = slots(tree, (s) => typeof s.key === 'string' && ID_KEY.test(s.key));
    if (all.length === 0) return null;
    const s = pick(rand, all);
    const literal = pick(rand, BAD_IDS);
    set(s, new Raw(literal));
    return `bad-hex-id ${pathOf(s)}=${literal}`;
  },
  'duplicate-key': (tree, rand) => {
    const all = slots(tree, (s) => isObject(s.value) && Object.keys(s.value).length > 0);
    if (all.length === 0) return null;
    const s = pick(rand, all);
    const entries = Object.entries(s.value as Record<string, unknown>);
    const [key] = pick(rand, entries);
    const [label, other] = pick(rand, OTHER_TYPES);
    entries.splice(between(rand, 0, entries.length), 0, [key, structuredClone(other)]);
    set(s, new Entries(entries));
    return `duplicate-key ${pathOf(s)}.${key} also ${label}`;
  },
  'null-everywhere': (tree, rand) => {
    const containers = slots(tree, (x) => isObject(x.value) || Array.isArray(x.value));
    if (containers.length === 0) return null;
    const s = pick(rand, containers);
    const inside = slots({ root: s.value }, (x) => x.up !== null);
    const all = rand() < 0.5;
    for (const x of inside) if (all || rand() < 0.3) set(x, null);
    return `null-everywhere under ${pathOf(s)}${all ? '' : ' (some)'}`;
  },
  'case-mix': (tree, rand) => {
    const objects = slots(tree, (s) => isObject(s.value));
    let renamed = 0;
    // Descendants come before their ancestors, so a renamed child is in place when its parent is copied.
    for (const s of objects) {
      const obj = s.value as Record<string, unknown>;
      if (rand() < 0.5) continue;
      const next = Object.fromEntries(Object.entries(obj).map(([k, v]) => [k.includes('_') ? camel(k) : snake(k), v]));
      set(s, next);
      renamed++;
    }
    return renamed ? `case-mix ${renamed} objects` : null;
  },
  'remove-key': (tree, rand) => {
    const all = slots(tree, (s) => typeof s.key === 'string' && s.up !== null);
    if (all.length === 0) return null;
    const s = pick(rand, all);
    delete (s.holder as Record<string, unknown>)[s.key as string];
    return `remove-key ${pathOf(s)}`;
  },
  'unknown-key': (tree, rand) => {
    const all = slots(tree, (s) => isObject(s.value));
    if (all.length === 0) return null;
    const s = pick(rand, all);
    const key = pick(rand, ['unknownField', '__proto__', 'constructor', '', 'a'.repeat(5000)]);
    // defineProperty, so __proto__ becomes a key rather than the prototype.
    Object.defineProperty(s.value, key, { value: { nested: [1, 'x'] }, enumerable: true, writable: true, configurable: true });
    return `unknown-key ${pathOf(s)}.${key.slice(0, 20)}`;
  },
  'repeat-element': (tree, rand) => {
    const all = slots(tree, (s) => Array.isArray(s.value) && s.value.length > 0);
    if (all.length === 0) return null;
    const s = pick(rand, all);
    const list = s.value as unknown[];
    const element = pick(rand, list);
    const each = Buffer.byteLength(write(element)) + 1;
    const times = Math.min(pick(rand, [5, 50, 1000, 20_000]), Math.floor((MAX_FUZZ_BODY_BYTES - size(tree)) / each));
    if (times < 2) return null;
    for (let i = 0; i < times; i++) list.push(structuredClone(element));
    return `repeat-element ${pathOf(s)} +${times}`;
  },
};

/** Mutations of the body's bytes, applied after the tree is written. */
export const JSON_BYTE_MUTATIONS: Readonly<Record<string, ByteMutation>> = {
  truncate: (body, rand) => {
    const cut = between(rand, 0, body.length - 1);
    return [body.subarray(0, cut), `truncate at ${cut} of ${body.length}`];
  },
  bom: (body) => [Buffer.concat([Uint8Array.of(0xef, 0xbb, 0xbf), body]), 'bom'],
  'invalid-utf8': (body, rand) => {
    const quotes: number[] = [];
    body.forEach((b, i) => {
      if (b === 0x22) quotes.push(i);
    });
    const at = quotes.length ? (pick(rand, quotes) as number) + 1 : 0;
    const bad = pick(rand, INVALID_UTF8);
    return [
      Buffer.concat([body.subarray(0, at), Uint8Array.from(bad), body.subarray(at)]),
      `invalid-utf8 [${bad.map((b) => b.toString(16)).join(' ')}] at ${at}`,
    ];
  },
  'trailing-garbage': (body, rand) => {
    const tail = pick(rand, ['}', ',', ' {"a":1}', '\u0000', 'null']);
    return [Buffer.concat([body, Buffer.from(tail)]), `trailing-garbage ${JSON.stringify(tail)}`];
  },
};

const TREE_NAMES = Object.keys(JSON_MUTATIONS);
const BYTE_NAMES = Object.keys(JSON_BYTE_MUTATIONS);

/**
 * A structurally mutated copy of `baseText`, a valid JSON body: one to three mutations of its
 * tree from {@link JSON_MUTATIONS}, and now and then one of its bytes from
 * {@link JSON_BYTE_MUTATIONS}. Deterministic for a given `rand`; at most {@link MAX_FUZZ_BODY_BYTES}.
 */
export function mutateJsonBody(baseText: string, rand: () => number): MutatedBody {
  for (;;) {
    const tree: Tree = { root: JSON.parse(baseText) };
    const mutations: string[] = [];
    const count = between(rand, 1, 3);
    for (let attempt = 0; mutations.length < count && attempt < 20; attempt++) {
      const done = (JSON_MUTATIONS[pick(rand, TREE_NAMES)] as JsonMutation)(tree, rand);
      if (done !== null) mutations.push(done);
    }
    let body: Uint8Array = Buffer.from(write(tree.root));
    if (rand() < 0.2) {
      const [bytes, done] = (JSON_BYTE_MUTATIONS[pick(rand, BYTE_NAMES)] as ByteMutation)(body, rand);
      body = bytes;
      mutations.push(done);
    }
    if (body.length <= MAX_FUZZ_BODY_BYTES) return { body, mutations };
  }
}
