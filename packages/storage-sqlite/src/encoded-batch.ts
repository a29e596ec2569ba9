/**
 * A batch of spans turned into row values, ready to bind. It is built on the thread that
 * decoded the spans and handed to the writer thread by structured clone, so it holds only
 * plain values — and its numbers and ids sit in typed arrays, which are transferred, not
 * copied.
 */
export interface EncodedBatch {
  readonly groups: EncodedGroup[];
}

/** Bytes per span in {@link EncodedGroup.ids}: trace id (16), span id (8), parent span id (8). */
export const ID_BYTES = 32;
/** Numbers per span in {@link EncodedGroup.ints}, in this order. */
export const I = {
  Kind: 0,
  StatusCode: 1,
  Flags: 2,
  Resource: 3,
  Scope: 4,
  DroppedAttributes: 5,
  DroppedEvents: 6,
  DroppedLinks: 7,
  HasParent: 8,
  Bloom: 9,
} as const;
export const INTS = 10;
/** Strings per span in {@link EncodedGroup.strings}, in this order ('' for no events or links). */
export const T = { Name: 0, StatusMessage: 1, TraceState: 2, Events: 3, Links: 4 } as const;
export const STRINGS = 5;

export interface EncodedGroup {
  readonly project: string;
  readonly expiresAt: bigint | null;
  /** The group's distinct resources; spans refer to them by index. */
  readonly resources: EncodedResource[];
  readonly scopes: EncodedScope[];
  readonly count: number;
  readonly ids: Uint8Array;
  /** Start and end of each span, in ns. */
  readonly times: BigInt64Array;
  readonly ints: Uint32Array;
  readonly strings: string[];
  /** Every span's attributes as typed JSON in UTF-8, end to end; span i's are [offsets[i], offsets[i + 1]). */
  readonly attributes: Uint8Array;
  readonly offsets: Uint32Array;
  /** One filter Bloom filter per trace of the group (see filter-bloom.ts); spans give theirs in `ints`. */
  readonly blooms: Uint8Array;
}

export interface EncodedResource {
  readonly fingerprint: Uint8Array;
  readonly serviceName: string;
  readonly attributes: string;
  readonly droppedAttributesCount: number;
  readonly schemaUrl: string;
}

export interface EncodedScope {
  readonly fingerprint: Uint8Array;
  readonly name: string;
  readonly version: string;
  readonly attributes: string;
  readonly droppedAttributesCount: number;
  readonly schemaUrl: string;
}

/** The typed arrays of a batch, to transfer instead of copy. */
export function transferables(batch: EncodedBatch): ArrayBuffer[] {
  return batch.groups.flatMap(
    (g) => [g.ids.buffer, g.times.buffer, g.ints.buffer, g.attributes.buffer, g.offsets.buffer, g.blooms.buffer] as ArrayBuffer[],
  );
}
