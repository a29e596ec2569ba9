import { between, INVALID_UTF8, MAX_FUZZ_BODY_BYTES, pick, shuffle } from './fuzz-choice.js';
import { cloneField, type Located, parseMessage, pathOf, serializeMessage, type WireField, walk, wireField } from './proto-tree.js';

/** A mutated request body and what was done to it, in order (enough to tell the cases apart in a failure). */
export interface MutatedBody {
  readonly body: Uint8Array;
  readonly mutations: readonly string[];
}

type Tree = WireField[];
type Target = Located;
/** Applies one mutation to the tree; returns what it did, or null when the tree has nothing it applies to. */
type ProtoMutation = (tree: Tree, rand: () => number) => string | null;

const TWO = (n: number) => 2n ** BigInt(n);
const VARINT_BOUNDARIES: readonly [string, bigint][] = [
  ['0', 0n],
  ['1', 1n],
  ['2^31', TWO(31)],
  ['2^32-1', TWO(32) - 1n],
  ['2^32', TWO(32)],
  ['2^53', TWO(53)],
  ['2^63-1', TWO(63) - 1n],
  ['2^63', TWO(63)],
  ['2^64-1', TWO(64) - 1n],
];
const I64_BOUNDARIES: readonly [string, bigint][] = [
  ...VARINT_BOUNDARIES,
  ['NaN bits', 0x7ff8000000000000n],
  ['+Inf bits', 0x7ff0000000000000n],
  ['-0 bits', 0x8000000000000000n],
  ['year 2262+', 9_300_000_000_000_000_000n],
];
const I32_BOUNDARIES: readonly [string, number][] = [
  ['0', 0],
  ['1', 1],
  ['0x1ff', 0x1ff],
  ['2^31', 2 ** 31],
  ['2^32-1', 2 ** 32 - 1],
];
const UNKNOWN_FIELDS = [17, 100, 1000, 19_000, 2 ** 29 - 1];

/** Nodes of the tree that satisfy `test`. */
function targets(tree: Tree, test: (node: WireField) => boolean): Target[] {
  return walk(tree).filter((t) => test(t.node));
}

/** Every message of the tree (the root too) as its field list. */
function messages(tree: Tree): WireField[][] {
  return [tree, ...targets(tree, (n) => n.children !== undefined).map((t) => t.node.children as WireField[])];
}

const where = (t: Target) => `@${pathOf(t)}${t.node.type ? `(${t.node.type})` : ''}`;

function setBytes(f: WireField, bytes: Uint8Array): void {
  f.bytes = bytes;
  f.children = undefined;
}

function leU64(value: bigint, size: 4 | 8): Uint8Array {
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  if (size === 8) view.setBigUint64(0, BigInt.asUintN(64, value), true);
  else view.setUint32(0, Number(BigInt.asUintN(32, value)), true);
  return out;
}

function varintBytes(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/**
 * An AnyValue holding arrays (or kvlists) nested `depth` deep around a string. Built as its
 * prefixes, inner to outer, since protobuf nesting is all prefix: linear however deep.
 */
export function deepAnyValue(depth: number, kvlist: boolean): Uint8Array {
  const leaf = [0x0a, 0x04, 0x6c, 0x65, 0x61, 0x66]; // AnyValue{string_value: "leaf"}
  const prefixes: number[][] = [];
  let inner = leaf.length;
  for (let i = 0; i < depth; i++) {
    let prefix: number[];
    if (kvlist) {
      // AnyValue{6: KeyValueList{1: KeyValue{1: "k", 2: <inner>}}}
      const keyValue = 3 + 1 + varintBytes(inner).length + inner;
      const list = 1 + varintBytes(keyValue).length + keyValue;
      prefix = [0x32, ...varintBytes(list), 0x0a, ...varintBytes(keyValue), 0x0a, 0x01, 0x6b, 0x12, ...varintBytes(inner)];
    } else {
      // AnyValue{5: ArrayValue{1: <inner>}}
      const array = 1 + varintBytes(inner).length + inner;
      prefix = [0x2a, ...varintBytes(array), 0x0a, ...varintBytes(inner)];
    }
    prefixes.push(prefix);
    inner += prefix.length;
  }
  const out = new Uint8Array(inner);
  let p = 0;
  for (let i = prefixes.length - 1; i >= 0; i--) {
    out.set(prefixes[i] as number[], p);
    p += (prefixes[i] as number[]).length;
  }
  out.set(leaf, p);
  return out;
}

/** The structure-aware protobuf mutations, by name. */
export const PROTO_MUTATIONS: Readonly<Record<string, ProtoMutation>> = {
  'boundary-varint': (tree, rand) => {
    const all = targets(tree, (n) => n.kind === 'varint');
    if (all.length === 0) return null;
    const t = pick(rand, all);
    const [label, value] = pick(rand, VARINT_BOUNDARIES);
    t.node.value = value;
    return `boundary-varint ${where(t)}=${label}`;
  },
  'overlong-varint': (tree, rand) => {
    const all = targets(tree, (n) => n.kind === 'varint' || n.kind === 'len');
    if (all.length === 0) return null;
    const t = pick(rand, all);
    t.node.padding = pick(rand, [1, 4, 9, 10, 16]);
    return `overlong-varint ${where(t)} +${t.node.padding} bytes`;
  },
  'boundary-fixed': (tree, rand) => {
    const all = targets(tree, (n) => n.kind === 'i64' || n.kind === 'i32');
    if (all.length === 0) return null;
    const t = pick(rand, all);
    if (t.node.kind === 'i64') {
      const [label, value] = pick(rand, I64_BOUNDARIES);
      t.node.bytes = leU64(value, 8);
      return `boundary-fixed64 ${where(t)}=${label}`;
    }
    const [label, value] = pick(rand, I32_BOUNDARIES);
    t.node.bytes = leU64(BigInt(value), 4);
    return `boundary-fixed32 ${where(t)}=${label}`;
  },
  'end-before-start': (tree, rand) => {
    const spans = targets(tree, (n) => n.type === 'Span' && n.children !== undefined);
    if (spans.length === 0) return null;
    const t = pick(rand, spans);
    const kids = t.node.children as WireField[];
    const start = kids.find((f) => f.field === 7 && f.kind === 'i64');
    const end = kids.find((f) => f.field === 8 && f.kind === 'i64');
    if (!start || !end) return null;
    [start.bytes, end.bytes] = [end.bytes, start.bytes];
    return `end-before-start ${where(t)}`;
  },
  'flip-wire-type': (tree, rand) => {
    const all = targets(tree, () => true);
    if (all.length === 0) return null;
    const t = pick(rand, all);
    const wire = pick(
      rand,
      [0, 1, 2, 3, 4, 5, 6, 7].filter((w) => w !== t.node.tagWire),
    );
    t.node.tagWire = wire;
    return `flip-wire-type ${where(t)} to ${wire}`;
  },
  'duplicate-field': (tree, rand) => {
    const all = targets(tree, () => true);
    if (all.length === 0) return null;
    const t = pick(rand, all);
    t.parent.splice(between(rand, 0, t.parent.length), 0, cloneField(t.node));
    return `duplicate-field ${where(t)}`;
  },
  'remove-field': (tree, rand) => {
    const all = targets(tree, () => true);
    if (all.length === 0) return null;
    const t = pick(rand, all);
    t.parent.splice(t.parent.indexOf(t.node), 1);
    return `remove-field ${where(t)}`;
  },
  'reorder-fields': (tree, rand) => {
    const all = messages(tree).filter((m) => m.length > 1);
    if (all.length === 0) return null;
    const m = pick(rand, all);
    shuffle(rand, m);
    return `reorder-fields of a ${m.length}-field message`;
  },
  'repeat-field': (tree, rand) => {
    const all = targets(tree, () => true);
    if (all.length === 0) return null;
    const t = pick(rand, all);
    const room = MAX_FUZZ_BODY_BYTES - serializeMessage(tree).length;
    const each = serializeMessage([t.node]).length;
    const times = Math.min(pick(rand, [3, 20, 100, 1000, 50_000]), Math.floor(room / each));
    if (times < 2) return null;
    const at = t.parent.indexOf(t.node);
    t.parent.splice(at, 0, ...Array.from({ length: times }, () => cloneField(t.node)));
    return `repeat-field ${where(t)} ×${times + 1}`;
  },
  'wrong-length': (tree, rand) => {
    const all = targets(tree, (n) => n.kind === 'len');
    if (all.length === 0) return null;
    const t = pick(rand, all);
    const size = BigInt(t.node.children ? serializeMessage(t.node.children).length : t.node.bytes.length);
    const [label, skew] = pick(rand, [
      ['+1', 1n],
      ['-1', -1n],
      ['0', -size],
      ['+1000', 1000n],
      ['2^31', TWO(31) - size],
      ['2^32+len', TWO(32)],
      ['2^64-1', TWO(64) - 1n - size],
    ] as const);
    t.node.lengthSkew = skew;
    return `wrong-length ${where(t)} declared ${label} (real ${size})`;
  },
  'deep-nesting': (tree, rand) => {
    const all = targets(tree, (n) => n.type === 'AnyValue');
    if (all.length === 0) return null;
    const t = pick(rand, all);
    const depth = pick(rand, [33, 100, 1000, 5000, 20_000]);
    const kvlist = rand() < 0.5;
    setBytes(t.node, deepAnyValue(depth, kvlist));
    return `deep-nesting ${where(t)} ${kvlist ? 'kvlist' : 'array'} ×${depth}`;
  },
  'invalid-utf8': (tree, rand) => {
    const all = targets(tree, (n) => n.kind === 'len' && (n.type === 'string' || (n.type === undefined && !n.children)));
    if (all.length === 0) return null;
    const t = pick(rand, all);
    const bad = pick(rand, INVALID_UTF8);
    const at = between(rand, 0, t.node.bytes.length);
    setBytes(t.node, Uint8Array.from([...t.node.bytes.subarray(0, at), ...bad, ...t.node.bytes.subarray(at)]));
    return `invalid-utf8 ${where(t)} [${bad.map((b) => b.toString(16)).join(' ')}] at ${at}`;
  },
  'bad-id': (tree, rand) => {
    const all = targets(tree, (n) => n.type === 'id');
    if (all.length === 0) return null;
    const t = pick(rand, all);
    const right = t.node.bytes.length === 16 || t.node.bytes.length === 8 ? t.node.bytes.length : pick(rand, [8, 16]);
    const [label, bytes] = pick(rand, [
      ['empty', new Uint8Array(0)],
      ['1 byte', Uint8Array.of(7)],
      ['one short', new Uint8Array(right - 1).fill(0xab)],
      ['one long', new Uint8Array(right + 1).fill(0xab)],
      ['32 bytes', new Uint8Array(32).fill(0xcd)],
      ['all zero', new Uint8Array(right)],
      ['all 0xff', new Uint8Array(right).fill(0xff)],
    ] as const);
    setBytes(t.node, bytes);
    return `bad-id ${where(t)} ${label}`;
  },
  'empty-message': (tree, rand) => {
    const all = targets(tree, (n) => n.children !== undefined);
    if (all.length === 0) return null;
    const t = pick(rand, all);
    t.node.children = [];
    return `empty-message ${where(t)}`;
  },
  'unknown-field': (tree, rand) => {
    const m = pick(rand, messages(tree));
    const field = pick(rand, UNKNOWN_FIELDS);
    const none = new Uint8Array(0);
    const [label, node] = pick(rand, [
      ['varint', wireField(field, 0, 'varint', TWO(64) - 1n, none, undefined)],
      ['len', wireField(field, 2, 'len', 0n, Uint8Array.of(1, 2, 3, 0xff), undefined)],
      ['fixed64', wireField(field, 1, 'i64', 0n, new Uint8Array(8).fill(0x11), undefined)],
      ['fixed32', wireField(field, 5, 'i32', 0n, new Uint8Array(4).fill(0x22), undefined)],
      ['group start', wireField(field, 3, 'len', 0n, none, undefined)],
      ['wire type 7', wireField(field, 7, 'varint', 1n, none, undefined)],
    ] as const);
    m.splice(between(rand, 0, m.length), 0, node);
    return `unknown-field ${field} (${label})`;
  },
  'field-zero': (tree, rand) => {
    const m = pick(rand, messages(tree));
    m.splice(between(rand, 0, m.length), 0, wireField(0, 0, 'varint', 1n, new Uint8Array(0), undefined));
    return 'field-zero';
  },
  transplant: (tree, rand) => {
    const all = targets(tree, (n) => n.children !== undefined && n.children.length > 0);
    if (all.length < 2) return null;
    const from = pick(rand, all);
    const into = pick(rand, messages(tree));
    const field = rand() < 0.5 ? from.node.field : between(rand, 1, 16);
    const moved = cloneField(from.node);
    moved.field = field;
    moved.type = undefined;
    into.splice(between(rand, 0, into.length), 0, moved);
    return `transplant ${where(from)} as field ${field}`;
  },
  'huge-string': (tree, rand) => {
    const all = targets(tree, (n) => n.kind === 'len' && n.type === 'string');
    if (all.length === 0) return null;
    const t = pick(rand, all);
    const room = MAX_FUZZ_BODY_BYTES - serializeMessage(tree).length - 16;
    const size = Math.min(pick(rand, [5_000, 70_000, 900_000]), room);
    if (size < 1000) return null;
    const multibyte = rand() < 0.5;
    const text = multibyte ? '界'.repeat(Math.floor(size / 3)) : 'x'.repeat(size);
    setBytes(t.node, new TextEncoder().encode(text));
    return `huge-string ${where(t)} ${size} bytes${multibyte ? ' (3-byte chars)' : ''}`;
  },
  'empty-request': (tree) => {
    tree.splice(0, tree.length);
    return 'empty-request';
  },
};

const NAMES = Object.keys(PROTO_MUTATIONS);

/**
 * A structurally mutated copy of `base`, a valid protobuf request of schema type `rootType`:
 * one to three mutations from {@link PROTO_MUTATIONS}, sometimes followed by truncation.
 * Deterministic for a given `rand`; at most {@link MAX_FUZZ_BODY_BYTES}.
 */
export function mutateProtoBody(base: Uint8Array, rootType: string, rand: () => number): MutatedBody {
  for (;;) {
    const tree = parseMessage(base, rootType);
    if (tree === null) throw new Error(`the base body does not parse as ${rootType}`);
    const mutations: string[] = [];
    const count = between(rand, 1, 3);
    for (let attempt = 0; mutations.length < count && attempt < 20; attempt++) {
      const name = pick(rand, NAMES);
      const done = (PROTO_MUTATIONS[name] as ProtoMutation)(tree, rand);
      if (done !== null) mutations.push(done);
    }
    let body = serializeMessage(tree);
    if (rand() < 0.1 && body.length > 1) {
      const cut = between(rand, 1, body.length - 1);
      mutations.push(`truncate at ${cut} of ${body.length}`);
      body = body.subarray(0, cut);
    }
    if (body.length <= MAX_FUZZ_BODY_BYTES) return { body, mutations };
  }
}
