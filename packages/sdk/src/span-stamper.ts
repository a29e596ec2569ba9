import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { currentScope, SESSION_NAME_ATTRIBUTE, type SessionScope } from './context.js';
import { type Labels, putLabelAttributes } from './labels.js';

/**
 * Stamps every span at its start with the process labels and the session scope in force:
 * `gen_ai.conversation.id` and `session.id`, `user.id`, and labels as `sightline.label.<key>`.
 */
export class SpanStamper implements SpanProcessor {
  /** The label attributes of the labels last seen (labels change by replacement, so identity tells). */
  private labelsSeen: Labels | null = null;
  private labelAttributes: Record<string, string> = {};
  /** The same for each session scope. */
  private readonly scopeAttributes = new WeakMap<object, Record<string, string>>();

  constructor(private readonly labels: () => Labels) {}

  onStart(span: Span, _parent: Context): void {
    const labels = this.labels();
    if (labels !== this.labelsSeen) {
      this.labelAttributes = {};
      putLabelAttributes(this.labelAttributes, labels);
      this.labelsSeen = labels;
    }
    span.setAttributes(this.labelAttributes);
    const scope = currentScope();
    if (scope) span.setAttributes(this.attributesOf(scope));
  }

  private attributesOf(scope: SessionScope): Record<string, string> {
    let attributes = this.scopeAttributes.get(scope);
    if (attributes) return attributes;
    attributes = {};
    if (scope.labels) putLabelAttributes(attributes, scope.labels);
    if (scope.sessionId) {
      attributes['gen_ai.conversation.id'] = scope.sessionId;
      attributes['session.id'] = scope.sessionId;
    }
    if (scope.name) attributes[SESSION_NAME_ATTRIBUTE] = scope.name;
    if (scope.userId) attributes['user.id'] = scope.userId;
    this.scopeAttributes.set(scope, attributes);
    return attributes;
  }

  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
