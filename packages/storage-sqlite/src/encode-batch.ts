import { createHash } from 'node:crypto';
import type { InstrumentationScope, LogRecord, Resource, Span } from '@sightline/core';
import { encodeTypedJson, serviceNameOf, writeKvList } from '@sightline/core';
import type { WriteGroup } from '@sightline/storage';
import { encodeAttributes, encodeEvents, encodeLinks } from '@sightline/storage';
import { encodeCalls } from './encode-calls.js';
import { encodeMetricPoint } from './encode-metrics.js';
import {
  type EncodedBatch,
  type EncodedGroup,
  type EncodedLog,
  type EncodedResource,
  type EncodedScope,
  I,
  ID_BYTES,
  INTS,
  STRINGS,
} from './encoded-batch.js';
import { addAttributes, FILTER_BLOOM_BYTES } from './filter-bloom.js';
import { hexToBlob } from './ids.js';
import { ScratchBuilder } from './scratch-builder.js';
import { encodeSearchTexts } from './search-index.js';

const CACHE_LIMIT = 1000;
const attributesScratch = new ScratchBuilder();
/** Encoded resources and scopes by their content, so a repeat costs a map lookup, not a hash. */
const byContent = new Map<string, EncodedResource | EncodedScope>();

/** What to encode besides the rows. */
export interface EncodeOptions {
  /** Each span's search text, for the search index (default true). */
  readonly search?: boolean;
}

/** Turns span groups into row values: typed JSON, id bytes, fingerprints of resources and scopes. */
export function encodeBatch(batch: readonly WriteGroup[], options: EncodeOptions = {}): EncodedBatch {
  return { groups: batch.map((group) => encodeGroup(group, options)) };
}

/** The index of `key`'s encoding in `list`, encoding and appending it the first time. */
function indexIn<K, V>(index: Map<K, number>, list: V[], key: K, encode: (key: K) => V): number {
  let i = index.get(key);
  if (i === undefined) {
    i = list.push(encode(key)) - 1;
    index.set(key, i);
  }
  return i;
}

/** Turns one group into row values. */
export function encodeGroup(group: WriteGroup, options: EncodeOptions = {}): EncodedGroup {
  const count = group.spans.length;
  const resources: EncodedResource[] = [];
  const scopes: EncodedScope[] = [];
  const resourceIndex = new Map<Resource, number>();
  const scopeIndex = new Map<InstrumentationScope, number>();
  const ids = Buffer.from(new ArrayBuffer(count * ID_BYTES));
  const times = new BigInt64Array(count * 2);
  const ints = new Uint32Array(count * INTS);
  const strings: string[] = new Array(count * STRINGS);
  const json = attributesScratch.take();
  const offsets = new Uint32Array(count + 1);
  const bloomOf = new Map<string, number>();
  let blooms = new Uint8Array(FILTER_BLOOM_BYTES * 8);
  for (let i = 0; i < count; i++) {
    const span = group.spans[i] as Span;
    const r = indexIn(resourceIndex, resources, span.resource, encodeResource);
    const s = indexIn(scopeIndex, scopes, span.scope, encodeScope);
    const at = i * ID_BYTES;
    ids.write(span.traceId, at, 16, 'hex');
    ids.write(span.spanId, at + 16, 8, 'hex');
    if (span.parentSpanId !== null) ids.write(span.parentSpanId, at + 24, 8, 'hex');
    times[i * 2] = span.startTimeUnixNano;
    times[i * 2 + 1] = span.endTimeUnixNano;
    const n = i * INTS;
    ints[n + I.Kind] = span.kind;
    ints[n + I.StatusCode] = span.status.code;
    ints[n + I.Flags] = span.flags;
    ints[n + I.Resource] = r;
    ints[n + I.Scope] = s;
    ints[n + I.DroppedAttributes] = span.droppedAttributesCount;
    ints[n + I.DroppedEvents] = span.droppedEventsCount;
    ints[n + I.DroppedLinks] = span.droppedLinksCount;
    ints[n + I.HasParent] = span.parentSpanId === null ? 0 : 1;
    const t = i * STRINGS;
    strings[t] = span.name;
    strings[t + 1] = span.status.message;
    strings[t + 2] = span.traceState;
    strings[t + 3] = encodeEvents(span.events) ?? '';
    strings[t + 4] = encodeLinks(span.links) ?? '';
    let b = bloomOf.get(span.traceId);
    if (b === undefined) {
      b = bloomOf.size;
      bloomOf.set(span.traceId, b);
      if ((b + 1) * FILTER_BLOOM_BYTES > blooms.length) {
        const grown = new Uint8Array(blooms.length * 2);
        grown.set(blooms);
        blooms = grown;
      }
    }
    ints[n + I.Bloom] = b;
    addAttributes(blooms.subarray(b * FILTER_BLOOM_BYTES, (b + 1) * FILTER_BLOOM_BYTES), span.attributes);
    writeKvList(json, span.attributes);
    offsets[i + 1] = json.pos;
  }
  let calls = null;
  if (group.calls?.length) {
    const bySpanId = new Map<string, number>();
    for (let i = 0; i < count; i++) bySpanId.set((group.spans[i] as Span).spanId, i);
    calls = encodeCalls(
      group.calls,
      count,
      (spanId) => bySpanId.get(spanId),
      (i) => (group.spans[i] as Span).attributes,
    );
  }
  const callOf = calls?.callOf;
  const search =
    options.search === false ? null : encodeSearchTexts(group.spans, (i) => callOf !== undefined && (callOf[i] as number) >= 0);
  const logs = (group.logs ?? []).map((log) => {
    const r = indexIn(resourceIndex, resources, log.resource, encodeResource);
    const s = indexIn(scopeIndex, scopes, log.scope, encodeScope);
    return encodeLog(log, r, s, resources[r] as EncodedResource, scopes[s] as EncodedScope);
  });
  const metrics = (group.metrics ?? []).map((point) => {
    const r = indexIn(resourceIndex, resources, point.resource, encodeResource);
    const s = indexIn(scopeIndex, scopes, point.scope, encodeScope);
    return encodeMetricPoint(point, r, s, resources[r] as EncodedResource, scopes[s] as EncodedScope);
  });
  return {
    project: group.project,
    expiresAt: group.expiresAtUnixNano ?? null,
    resources,
    scopes,
    count,
    ids: new Uint8Array(ids.buffer, 0, ids.length),
    times,
    ints,
    strings,
    attributes: attributesScratch.done(),
    offsets,
    blooms,
    calls,
    search,
    logs,
    metrics,
  };
}

function encodeLog(log: LogRecord, resource: number, scope: number, r: EncodedResource, s: EncodedScope): EncodedLog {
  const body = encodeTypedJson(log.body);
  const attributes = encodeAttributes(log.attributes);
  const hash = createHash('sha1')
    .update(r.fingerprint)
    .update(s.fingerprint)
    .update(
      [
        log.timeUnixNano,
        log.observedTimeUnixNano,
        log.traceId,
        log.spanId,
        log.severityNumber,
        log.severityText,
        log.eventName,
        log.droppedAttributesCount,
        log.flags,
        body,
        attributes,
      ].join('\u0000'),
    )
    .digest();
  return {
    fingerprint: hash.readBigInt64BE(0),
    traceId: log.traceId === null ? null : hexToBlob(log.traceId),
    spanId: log.spanId === null ? null : hexToBlob(log.spanId),
    time: log.timeUnixNano,
    observed: log.observedTimeUnixNano,
    severityNumber: log.severityNumber,
    severityText: log.severityText,
    eventName: log.eventName,
    body,
    attributes,
    droppedAttributesCount: log.droppedAttributesCount,
    flags: log.flags,
    resource,
    scope,
  };
}

function encodeResource(resource: Resource): EncodedResource {
  const attributes = encodeAttributes(resource.attributes);
  const content = `r\u0000${resource.schemaUrl}\u0000${resource.droppedAttributesCount}\u0000${attributes}`;
  return remember(content, () => ({
    fingerprint: sha1(content),
    serviceName: serviceNameOf(resource),
    attributes,
    droppedAttributesCount: resource.droppedAttributesCount,
    schemaUrl: resource.schemaUrl,
  })) as EncodedResource;
}

function encodeScope(scope: InstrumentationScope): EncodedScope {
  const attributes = encodeAttributes(scope.attributes);
  const content = `s\u0000${scope.name}\u0000${scope.version}\u0000${scope.schemaUrl}\u0000${scope.droppedAttributesCount}\u0000${attributes}`;
  return remember(content, () => ({
    fingerprint: sha1(content),
    name: scope.name,
    version: scope.version,
    attributes,
    droppedAttributesCount: scope.droppedAttributesCount,
    schemaUrl: scope.schemaUrl,
  })) as EncodedScope;
}

function remember<T extends EncodedResource | EncodedScope>(content: string, make: () => T): T {
  let found = byContent.get(content) as T | undefined;
  if (!found) {
    found = make();
    if (byContent.size >= CACHE_LIMIT) byContent.delete(byContent.keys().next().value as string);
    byContent.set(content, found);
  }
  return found;
}

function sha1(text: string): Uint8Array {
  return new Uint8Array(createHash('sha1').update(text).digest());
}
