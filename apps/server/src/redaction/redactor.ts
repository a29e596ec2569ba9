import {
  type AnyValue,
  type Attributes,
  type InstrumentationScope,
  type LogRecord,
  type MetricPoint,
  newAttributes,
  type Resource,
  type Span,
} from '@sightline/core';
import type { TextRule } from './redaction-rules.js';

/** What replaces redacted text. */
export const redactedMark = (rule: string) => `[REDACTED:${rule}]`;

/**
 * Takes out of spans, log records and metric points, before anything is stored, what a
 * project's rules find: text matching a rule in a name, anywhere in an attribute value (span,
 * event, link, resource and scope attributes; nested arrays and maps too), a status message or
 * a log body; and the whole value of the attribute keys named.
 * Returns new objects; what it was given is left as it was.
 */
export class Redactor {
  private readonly keys: ReadonlySet<string>;

  constructor(
    private readonly rules: readonly TextRule[],
    attributeKeys: readonly string[],
  ) {
    this.keys = new Set(attributeKeys);
  }

  get empty(): boolean {
    return this.rules.length === 0 && this.keys.size === 0;
  }

  text(value: string): string {
    let out = value;
    for (const rule of this.rules) {
      rule.pattern.lastIndex = 0;
      if (!rule.pattern.test(out)) continue;
      rule.pattern.lastIndex = 0;
      out = out.replace(rule.pattern, (m) => (rule.accept && !rule.accept(m) ? m : redactedMark(rule.name)));
    }
    return out;
  }

  value(v: AnyValue): AnyValue {
    if (typeof v === 'string') return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) return this.attributes(v as Attributes);
    return v;
  }

  attributes(attrs: Attributes): Attributes {
    const out = newAttributes();
    for (const [k, v] of Object.entries(attrs)) out[k] = this.keys.has(k) ? redactedMark(k) : this.value(v);
    return out;
  }

  /**
   * The spans of one request share their resource and scope objects, and the store groups them
   * by that identity: each is redacted once, and its spans go on sharing the redacted copy.
   */
  private readonly resources = new WeakMap<Resource, Resource>();
  private readonly scopes = new WeakMap<InstrumentationScope, InstrumentationScope>();

  private resource(r: Resource): Resource {
    let out = this.resources.get(r);
    if (!out) this.resources.set(r, (out = { ...r, attributes: this.attributes(r.attributes) }));
    return out;
  }

  private scope(s: InstrumentationScope): InstrumentationScope {
    let out = this.scopes.get(s);
    if (!out) this.scopes.set(s, (out = { ...s, attributes: this.attributes(s.attributes) }));
    return out;
  }

  span(s: Span): Span {
    return {
      ...s,
      name: this.text(s.name),
      attributes: this.attributes(s.attributes),
      events: s.events.map((e) => ({ ...e, name: this.text(e.name), attributes: this.attributes(e.attributes) })),
      links: s.links.map((l) => ({ ...l, attributes: this.attributes(l.attributes) })),
      status: s.status.message ? { ...s.status, message: this.text(s.status.message) } : s.status,
      resource: this.resource(s.resource),
      scope: this.scope(s.scope),
    };
  }

  log(r: LogRecord): LogRecord {
    return {
      ...r,
      eventName: this.text(r.eventName),
      body: r.body === null || r.body === undefined ? r.body : this.value(r.body),
      attributes: this.attributes(r.attributes),
      resource: this.resource(r.resource),
      scope: this.scope(r.scope),
    };
  }

  metric(p: MetricPoint): MetricPoint {
    return { ...p, attributes: this.attributes(p.attributes), resource: this.resource(p.resource), scope: this.scope(p.scope) };
  }
}
