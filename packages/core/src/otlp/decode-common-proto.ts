import { type AnyValue, EMPTY_ATTRIBUTES, newAttributes } from '../model/any-value.js';
import type { InstrumentationScope, Resource } from '../model/span.js';
import { attributesOrEmpty, readKeyValue } from './decode-any-value-proto.js';
import type { ProtoReader } from './proto-reader.js';
import { ScopesRead } from './scopes-read.js';
import { type StepCount, stepDone } from './step-count.js';

/** Resource and scope messages, which trace and log requests share. */

export const EMPTY_RESOURCE: Resource = Object.freeze({ attributes: EMPTY_ATTRIBUTES, droppedAttributesCount: 0, schemaUrl: '' });

export function readResource(r: ProtoReader, [start, end]: [number, number], schemaUrl: string): Resource {
  r.pos = start;
  let attributes: Record<string, AnyValue> | null = null;
  let dropped = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) readKeyValue(r, r.lengthEnd(end), (attributes ??= newAttributes()), 0);
    else if (tag === 0x10) dropped = r.uint32();
    else r.skip(tag & 7, end);
  }
  r.expectEnd(end, 'resource');
  return { attributes: attributesOrEmpty(attributes), droppedAttributesCount: dropped, schemaUrl };
}

export function readScope(r: ProtoReader, range: [number, number] | null, schemaUrl: string): InstrumentationScope {
  let name = '';
  let version = '';
  let attributes: Record<string, AnyValue> | null = null;
  let dropped = 0;
  if (range) {
    const [start, end] = range;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag === 0x0a) name = r.string(end);
      else if (tag === 0x12) version = r.string(end);
      else if (tag === 0x1a) readKeyValue(r, r.lengthEnd(end), (attributes ??= newAttributes()), 0);
      else if (tag === 0x20) dropped = r.uint32();
      else r.skip(tag & 7, end);
    }
    r.expectEnd(end, 'scope');
  }
  return { name, version, attributes: attributesOrEmpty(attributes), droppedAttributesCount: dropped, schemaUrl };
}

/** A length-delimited field's [start, end); the reader moves past it. */
export function range(r: ProtoReader, limit: number): [number, number] {
  const end = r.lengthEnd(limit);
  const start = r.pos;
  r.pos = end;
  return [start, end];
}

/** Field names of an export request's two outer levels, for error messages. */
export interface EnvelopeNames {
  /** `resource_spans`, `resource_logs`. */
  readonly resource: string;
  /** `scope_spans`, `scope_logs`. */
  readonly scope: string;
}

/**
 * Reads one item (a span, a log record) in `[r.pos, end)`. `indexInScope` and
 * `indexInResource` number it within its scope message and within its resource message.
 */
export type ProtoItemReader = (
  r: ProtoReader,
  end: number,
  resource: Resource,
  scope: InstrumentationScope,
  resourceIndex: number,
  indexInScope: number,
  indexInResource: number,
) => void;

/**
 * Walks an OTLP export request, whose shape traces and logs share: repeated resource messages
 * (field 1), each with a resource (1), repeated scope messages (2) and a schema URL (3); each
 * scope message with a scope (1), repeated items (2) and a schema URL (3). Schema URLs often
 * follow the items they apply to, so each level is scanned before its items are read.
 */
export function readExportRequest(r: ProtoReader, names: EnvelopeNames, readItem: ProtoItemReader): void {
  const steps = exportRequestSteps(r, names, readItem, Number.POSITIVE_INFINITY);
  while (!steps.next().done);
}

/**
 * {@link readExportRequest} in steps: the walk pauses after every `itemsPerStep` items (or,
 * with `weight`, whenever what `weight()` counts has grown by that much: the data points of
 * metrics, which hold any number each), so a caller can let other work run between the steps
 * of a large request.
 */
export function* exportRequestSteps(
  r: ProtoReader,
  names: EnvelopeNames,
  readItem: ProtoItemReader,
  itemsPerStep: number,
  weight?: () => number,
): Generator<void> {
  const end = r.length;
  const count: StepCount = { items: 0, perStep: itemsPerStep, weight: weight ?? null, atPause: 0 };
  const scopes = new ScopesRead();
  let resourceIndex = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) yield* readResourceLevel(r, r.lengthEnd(end), names, readItem, resourceIndex++, count, scopes);
    else r.skip(tag & 7, end);
  }
  r.expectEnd(end, 'request');
}

/** Scans a message of a resource (or scope) level: its header field (1), its children (2), its schema URL (3). */
function scanLevel(
  r: ProtoReader,
  end: number,
  name: string,
): { header: [number, number] | null; children: [number, number][]; schemaUrl: string } {
  let header: [number, number] | null = null;
  let schemaUrl = '';
  const children: [number, number][] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) header = range(r, end);
    else if (tag === 0x12) children.push(range(r, end));
    else if (tag === 0x1a) schemaUrl = r.string(end);
    else r.skip(tag & 7, end);
  }
  r.expectEnd(end, name);
  return { header, children, schemaUrl };
}

function* readResourceLevel(
  r: ProtoReader,
  end: number,
  names: EnvelopeNames,
  readItem: ProtoItemReader,
  resourceIndex: number,
  count: StepCount,
  scopes: ScopesRead,
): Generator<void> {
  const level = scanLevel(r, end, names.resource);
  const after = r.pos;
  const resource = level.header
    ? readResource(r, level.header, level.schemaUrl)
    : level.schemaUrl
      ? { ...EMPTY_RESOURCE, schemaUrl: level.schemaUrl }
      : EMPTY_RESOURCE;
  let indexInResource = 0;
  for (const [start, scopeEnd] of level.children) {
    r.pos = start;
    const scopeLevel = scanLevel(r, scopeEnd, names.scope);
    const scope = scopes.same(readScope(r, scopeLevel.header, scopeLevel.schemaUrl));
    for (let i = 0; i < scopeLevel.children.length; i++) {
      const [s, e] = scopeLevel.children[i] as [number, number];
      r.pos = s;
      readItem(r, e, resource, scope, resourceIndex, i, indexInResource++);
      if (stepDone(count)) {
        // The reader is shared: keep its place across the pause.
        const at = r.pos;
        yield;
        r.pos = at;
      }
    }
  }
  r.pos = after;
}
