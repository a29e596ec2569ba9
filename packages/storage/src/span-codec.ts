import {
  type Attributes,
  decodeTypedJson,
  EMPTY_ATTRIBUTES,
  encodeKvList,
  type KvList,
  type SpanEvent,
  type SpanLink,
} from '@sightline/core';

/**
 * How every backend keeps a span's attributes, events and links as text: typed JSON (see
 * `encodeTypedJson`), which keeps ints beyond 2^53, bytes and nested values exactly. Events and
 * links use short keys (`t`, `n`, `a`, …); none at all is null.
 */
export function encodeAttributes(attributes: Attributes): string {
  return attributes === EMPTY_ATTRIBUTES ? '{}' : encodeKvList(attributes);
}

export function decodeAttributes(text: string): Attributes {
  return text === '{}' ? EMPTY_ATTRIBUTES : (decodeTypedJson(text) as Attributes);
}

export function encodeEvents(events: readonly SpanEvent[]): string | null {
  if (events.length === 0) return null;
  let out = '[';
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as SpanEvent;
    if (i > 0) out += ',';
    out += `{"t":${e.timeUnixNano},"n":${JSON.stringify(e.name)},"a":${encodeAttributes(e.attributes)},"d":${e.droppedAttributesCount}}`;
  }
  return `${out}]`;
}

export function encodeLinks(links: readonly SpanLink[]): string | null {
  if (links.length === 0) return null;
  let out = '[';
  for (let i = 0; i < links.length; i++) {
    const l = links[i] as SpanLink;
    if (i > 0) out += ',';
    out += `{"t":"${l.traceId}","s":"${l.spanId}","ts":${JSON.stringify(l.traceState)},"a":${encodeAttributes(l.attributes)},"d":${l.droppedAttributesCount},"f":${l.flags}}`;
  }
  return `${out}]`;
}

export function decodeEvents(text: string | null): SpanEvent[] {
  return text === null ? [] : (decodeTypedJson(text) as KvList[]).map(toEvent);
}

export function decodeLinks(text: string | null): SpanLink[] {
  return text === null ? [] : (decodeTypedJson(text) as KvList[]).map(toLink);
}

function toEvent(e: KvList): SpanEvent {
  return {
    timeUnixNano: e.t as bigint,
    name: e.n as string,
    attributes: emptyToShared(e.a as Attributes),
    droppedAttributesCount: Number(e.d as bigint),
  };
}

function toLink(l: KvList): SpanLink {
  return {
    traceId: l.t as string,
    spanId: l.s as string,
    traceState: l.ts as string,
    attributes: emptyToShared(l.a as Attributes),
    droppedAttributesCount: Number(l.d as bigint),
    flags: Number(l.f as bigint),
  };
}

/** `attributes`, or the shared empty set when it holds none. */
export function emptyToShared(attributes: Attributes): Attributes {
  for (const _ in attributes) return attributes;
  return EMPTY_ATTRIBUTES;
}
