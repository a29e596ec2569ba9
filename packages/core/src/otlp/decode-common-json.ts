import { type AnyValue, type Attributes, EMPTY_ATTRIBUTES, MAX_VALUE_DEPTH, newAttributes } from '../model/any-value.js';
import type { InstrumentationScope, Resource } from '../model/span.js';
import { DecodeError } from './decode-error.js';
import { asArray, asBase64, asBool, asDouble, asInt64, asObject, asString, asUint32, field, type JsonObject } from './json-fields.js';
import { type ItemArray, splitExportRequest } from './json-request-split.js';
import { ScopesRead } from './scopes-read.js';
import { type StepCount, stepDone } from './step-count.js';

/** Resources, scopes and values in OTLP/JSON, which trace and log requests share. */

/** The resource of a `ResourceSpans` / `ResourceLogs` object at `path`. */
export function readResource(rs: JsonObject, path: string): Resource {
  const resourceObj = asObject(rs.resource, `${path}.resource`);
  return {
    attributes: resourceObj ? readAttributes(resourceObj.attributes, `${path}.resource.attributes`) : EMPTY_ATTRIBUTES,
    droppedAttributesCount: resourceObj
      ? asUint32(field(resourceObj, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.resource.droppedAttributesCount`)
      : 0,
    schemaUrl: asString(field(rs, 'schemaUrl', 'schema_url'), `${path}.schemaUrl`),
  };
}

/** The scope of a `ScopeSpans` / `ScopeLogs` object at `path`. */
export function readScope(ss: JsonObject, path: string): InstrumentationScope {
  const scope = asObject(ss.scope, `${path}.scope`);
  return {
    name: scope ? asString(scope.name, `${path}.scope.name`) : '',
    version: scope ? asString(scope.version, `${path}.scope.version`) : '',
    attributes: scope ? readAttributes(scope.attributes, `${path}.scope.attributes`) : EMPTY_ATTRIBUTES,
    droppedAttributesCount: scope
      ? asUint32(field(scope, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.scope.droppedAttributesCount`)
      : 0,
    schemaUrl: asString(field(ss, 'schemaUrl', 'schema_url'), `${path}.schemaUrl`),
  };
}

/** Reads a JSON `repeated KeyValue`. */
export function readAttributes(value: unknown, path: string, depth = 0): Attributes {
  const list = asArray(value, path);
  if (list.length === 0) return EMPTY_ATTRIBUTES;
  const attrs = newAttributes();
  for (let i = 0; i < list.length; i++) {
    const kv = asObject(list[i], `${path}[${i}]`);
    if (kv === null) continue;
    attrs[asString(kv.key, `${path}[${i}].key`)] = readAnyValue(kv.value, `${path}[${i}].value`, depth + 1);
  }
  return attrs;
}

/** Reads a JSON `AnyValue`; an empty or absent value is null. */
export function readAnyValue(value: unknown, path: string, depth: number): AnyValue {
  if (depth > MAX_VALUE_DEPTH) throw new DecodeError(`${path}: nested deeper than ${MAX_VALUE_DEPTH} levels`);
  const v = asObject(value, path);
  if (v === null) return null;
  for (const key in v) {
    const inner = v[key];
    if (inner === undefined || inner === null) continue;
    switch (key) {
      case 'stringValue':
      case 'string_value':
        return asString(inner, `${path}.stringValue`);
      case 'boolValue':
      case 'bool_value':
        return asBool(inner, `${path}.boolValue`);
      case 'intValue':
      case 'int_value':
        return asInt64(inner, `${path}.intValue`);
      case 'doubleValue':
      case 'double_value':
        return asDouble(inner, `${path}.doubleValue`);
      case 'bytesValue':
      case 'bytes_value':
        return asBase64(inner, `${path}.bytesValue`);
      case 'arrayValue':
      case 'array_value': {
        const arr = asObject(inner, `${path}.arrayValue`);
        return asArray(arr?.values, `${path}.arrayValue.values`).map((x, i) =>
          readAnyValue(x, `${path}.arrayValue.values[${i}]`, depth + 1),
        );
      }
      case 'kvlistValue':
      case 'kvlist_value': {
        const kv = asObject(inner, `${path}.kvlistValue`);
        return readAttributes(kv?.values, `${path}.kvlistValue.values`, depth + 1);
      }
    }
  }
  return null;
}

/** Names of an OTLP/JSON export request's levels, lowerCamelCase and snake_case. */
export interface JsonEnvelopeNames {
  readonly resources: readonly [string, string];
  readonly scopes: readonly [string, string];
  readonly items: readonly [string, string];
}

/** Reads one item (a span, a log record) at `path`; see {@link ProtoItemReader} for the indexes. */
export type JsonItemReader = (
  value: unknown,
  path: string,
  resource: Resource,
  scope: InstrumentationScope,
  resourceIndex: number,
  indexInScope: number,
  indexInResource: number,
) => void;

/**
 * Parses an OTLP/JSON export request and walks it — resources, their scopes, their items —
 * handing each item to `readItem`. Text that is not JSON, or levels of the wrong type, raise
 * `DecodeError` naming the path.
 */
export function readJsonExportRequest(text: string, names: JsonEnvelopeNames, readItem: JsonItemReader): void {
  const steps = jsonExportRequestSteps(text, names, readItem, Number.POSITIVE_INFINITY);
  while (!steps.next().done);
}

/** Characters of a request scanned between pauses when it is split (see json-request-split.ts). */
const SCAN_CHARS_PER_STEP = 1 << 20;
/** Characters of items parsed at once (a few milliseconds of JSON.parse); one larger item is parsed alone. */
const PARSE_CHARS_PER_STEP = 2 << 20;

/**
 * {@link readJsonExportRequest} in steps: the text is split so that no step parses more than
 * `itemsPerStep` items or about 2 MiB of them (see `splitExportRequest`), and the walk pauses
 * as `exportRequestSteps` does (after `itemsPerStep` items, or as `weight` says), so a caller
 * can let other work run between the steps of a large request. Text the splitter does not
 * take is parsed in one go, as before.
 */
export function* jsonExportRequestSteps(
  text: string,
  names: JsonEnvelopeNames,
  readItem: JsonItemReader,
  itemsPerStep: number,
  weight?: () => number,
): Generator<void> {
  const split = Number.isFinite(itemsPerStep) ? yield* splitExportRequest(text, names, SCAN_CHARS_PER_STEP) : null;
  let root: unknown;
  try {
    root = JSON.parse(split ? split.skeleton : text);
  } catch (err) {
    throw new DecodeError(`body is not valid JSON: ${(err as Error).message}`);
  }
  const request = asObject(root, 'request');
  if (request === null) throw new DecodeError('request: expected an object');
  const [resourcesName] = names.resources;
  const [scopesName] = names.scopes;
  const [itemsName] = names.items;
  const count: StepCount = { items: 0, perStep: itemsPerStep, weight: weight ?? null, atPause: 0 };
  const resources = asArray(field(request, ...names.resources), resourcesName);
  const scopesRead = new ScopesRead();
  for (let i = 0; i < resources.length; i++) {
    const path = `${resourcesName}[${i}]`;
    const rl = asObject(resources[i], path);
    if (rl === null) continue;
    const resource = readResource(rl, path);
    const scopes = asArray(field(rl, ...names.scopes), `${path}.${scopesName}`);
    let indexInResource = 0;
    for (let j = 0; j < scopes.length; j++) {
      const scopePath = `${path}.${scopesName}[${j}]`;
      const sl = asObject(scopes[j], scopePath);
      if (sl === null) continue;
      const scope = scopesRead.same(readScope(sl, scopePath));
      const itemsPath = `${scopePath}.${itemsName}`;
      const held = split?.arrays.get(`${i}:${j}`);
      const items = held ? null : asArray(field(sl, ...names.items), itemsPath);
      const length = held ? held.starts.length : (items as unknown[]).length;
      let chunk: unknown[] = [];
      let chunkStart = 0;
      for (let k = 0; k < length; k++) {
        if (held && k - chunkStart >= chunk.length) {
          chunkStart = k;
          chunk = parseItems(text, held, k, chunkEnd(held, k, Math.min(length, k + itemsPerStep)), itemsPath);
        }
        const item = held ? chunk[k - chunkStart] : (items as unknown[])[k];
        readItem(item, `${itemsPath}[${k}]`, resource, scope, i, k, indexInResource++);
        if (stepDone(count)) yield;
      }
    }
  }
}

/** Where a chunk of items starting at `from` ends: at most `limit`, and within about 2 MiB of text. */
function chunkEnd(held: ItemArray, from: number, limit: number): number {
  const start = held.starts[from] as number;
  let to = from + 1;
  while (to < limit && (held.ends[to] as number) - start <= PARSE_CHARS_PER_STEP) to++;
  return to;
}

/** Items [from, to) of an array the splitter found, parsed from their places in `text`. */
function parseItems(text: string, held: ItemArray, from: number, to: number, path: string): unknown[] {
  try {
    return JSON.parse(`[${text.slice(held.starts[from], held.ends[to - 1])}]`) as unknown[];
  } catch (err) {
    throw new DecodeError(`body is not valid JSON: ${(err as Error).message} (in ${path}[${from}…${to - 1}])`);
  }
}
