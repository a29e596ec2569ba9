import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { currentScope, SESSION_NAME_ATTRIBUTE } from './context.js';
import { type Labels, putLabelAttributes } from './labels.js';

/**
 * Stamps every span at its start with the process labels and the session scope in force:
 * `gen_ai.conversation.id` and `session.id`, `user.id`, and labels as `sightline.label.<key>`.
 */
export class SpanStamper implements SpanProcessor {
  constructor(private readonly labels: () => Labels) {}

  onStart(span: Span, _parent: Context): void {
    const attributes: Record<string, string> = {};
    putLabelAttributes(attributes, this.labels());
    const scope = currentScope();
    if (scope?.labels) putLabelAttributes(attributes, scope.labels);
    if (scope?.sessionId) {
      attributes['gen_ai.conversation.id'] = scope.sessionId;
      attributes['session.id'] = scope.sessionId;
    }
    if (scope?.name) attributes[SESSION_NAME_ATTRIBUTE] = scope.name;
    if (scope?.userId) attributes['user.id'] = scope.userId;
    span.setAttributes(attributes);
  }

  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
