import { EMPTY_ATTRIBUTES } from '../model/any-value.js';
import type { InstrumentationScope } from '../model/span.js';

/** Distinct scopes a request's decoder remembers (the most recent ones). */
const REMEMBERED = 16;

/**
 * The scopes a request's decoder has read, so that the items of repeated, identical scope
 * messages share one object, as spans of one tracer do in the SDK that sent them. The OTel JS
 * serializer groups items by scope *object*: an SDK that makes a tracer per call sends a scope
 * message per span, and each its own object cost the store a scope lookup per span. Scopes with
 * attributes (rare) are left as they come.
 */
export class ScopesRead {
  private readonly seen: InstrumentationScope[] = [];

  /** `scope`, or the equal one (same name, version and schema URL, no attributes) read earlier. */
  same(scope: InstrumentationScope): InstrumentationScope {
    if (scope.attributes !== EMPTY_ATTRIBUTES || scope.droppedAttributesCount !== 0) return scope;
    for (const s of this.seen) if (s.name === scope.name && s.version === scope.version && s.schemaUrl === scope.schemaUrl) return s;
    if (this.seen.length === REMEMBERED) this.seen.shift();
    this.seen.push(scope);
    return scope;
  }
}
