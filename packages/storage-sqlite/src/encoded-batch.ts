import type { EncodedSearch } from './search-index.js';

/**
 * A batch of spans turned into row values, ready to bind. It is built on the thread that
 * decoded the spans and handed to the writer thread by structured clone, so it holds only
 * plain values; its numbers and ids sit in typed arrays, which clone as one copy each.
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
  /** The LLM calls of the group's spans, or null when there are none. */
  readonly calls: EncodedCalls | null;
  /** Every span's search text (see search-index.ts), or null when the store keeps no search index. */
  readonly search: EncodedSearch | null;
  readonly logs: EncodedLog[];
  readonly metrics: EncodedMetricPoint[];
}

/** Numbers per call in {@link EncodedCalls.nums}, in this order; NaN stands for null. */
export const CN = {
  InputTokens: 0,
  OutputTokens: 1,
  TotalTokens: 2,
  CacheReadTokens: 3,
  CacheWriteTokens: 4,
  ReasoningTokens: 5,
  TtftMs: 6,
  DurationMs: 7,
  TokensPerS: 8,
  CostUsd: 9,
  CostInput: 10,
  CostCacheRead: 11,
  CostCacheWrite: 12,
  CostOutput: 13,
  CostReasoning: 14,
  IsError: 15,
} as const;
export const CALL_NUMS = 16;
/** Strings per call, as indexes into {@link EncodedCalls.table} (-1 for null), in this order. */
export const CS = {
  Vocabulary: 0,
  Provider: 1,
  HostProvider: 2,
  RequestModel: 3,
  Model: 4,
  Operation: 5,
  RequestId: 6,
  SessionId: 7,
  UserId: 8,
  Route: 9,
  CostSource: 10,
  PriceModel: 11,
  /** JSON `{"usd": n, "breakdown": {...} | null}`. */
  SourceCost: 12,
  /** `framework`, `client`, `stream-end` or null (see `callRole`). */
  Role: 13,
  /** JSON of the session's name and labels its span gives (`sessionDetailsOf`), or null. */
  SessionDetails: 14,
} as const;
export const CALL_STRINGS = 15;

/**
 * The calls of a group, columnar: span i's call is call `callOf[i]` (-1 for none). Strings sit
 * once each in `table` (calls repeat models, providers, sessions), so little is copied to
 * the writer thread.
 */
export interface EncodedCalls {
  readonly count: number;
  readonly callOf: Int32Array;
  readonly nums: Float64Array;
  readonly refs: Int32Array;
  readonly table: string[];
}

/** String field `k` (one of {@link CS}) of call `index`, or null. */
export function callString(calls: EncodedCalls, index: number, k: number): string | null {
  const r = calls.refs[index * CALL_STRINGS + k] as number;
  return r < 0 ? null : (calls.table[r] as string);
}

/** Number field `k` (one of {@link CN}) of call `index`, or null. */
export function callNumber(calls: EncodedCalls, index: number, k: number): number | null {
  const v = calls.nums[index * CALL_NUMS + k] as number;
  return Number.isNaN(v) ? null : v;
}

export interface EncodedLog {
  /** A hash of the whole record: a retried record has the same. */
  readonly fingerprint: bigint;
  readonly traceId: Uint8Array | null;
  readonly spanId: Uint8Array | null;
  readonly time: bigint;
  readonly observed: bigint;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly eventName: string;
  /** Typed JSON of the body value. */
  readonly body: string;
  readonly attributes: string;
  readonly droppedAttributesCount: number;
  readonly flags: number;
  /** Indexes into the group's resources and scopes. */
  readonly resource: number;
  readonly scope: number;
}

/** One OTLP metric data point and what its series is made of (see encode-metrics.ts). */
export interface EncodedMetricPoint {
  /** A hash of the series: metric, kind, unit, temporality, attributes, resource and scope. */
  readonly fingerprint: bigint;
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly kind: string;
  readonly temporality: string;
  readonly monotonic: number;
  readonly attributes: string;
  /** Indexes into the group's resources and scopes. */
  readonly resource: number;
  readonly scope: number;
  readonly time: bigint;
  readonly start: bigint;
  readonly value: number | null;
  readonly count: number | null;
  readonly sum: number | null;
  readonly min: number | null;
  readonly max: number | null;
  /** JSON of the buckets or quantiles. */
  readonly distribution: string | null;
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
