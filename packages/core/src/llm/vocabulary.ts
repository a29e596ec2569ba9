import type { Span } from '../model/span.js';
import type { CallDraft } from './call-draft.js';

/**
 * One attribute vocabulary (OpenTelemetry GenAI, OpenInference, …): how to recognise its
 * spans and how to read a model call from one.
 */
export interface Vocabulary {
  /** The name calls record in `vocabulary`. */
  readonly name: string;
  /** Whether the span speaks this vocabulary. The registry asks in precedence order. */
  detect(span: Span): boolean;
  /**
   * Reads the call into the draft. Returns false when the span speaks the vocabulary but is
   * not a model call of its own (an agent or tool span, or a wrapper repeating its child's usage).
   */
  read(draft: CallDraft): boolean;
}

/** Whether any attribute key starts with one of the prefixes. */
export function hasKeyWithPrefix(span: Span, ...prefixes: string[]): boolean {
  for (const key in span.attributes) for (const p of prefixes) if (key.startsWith(p)) return true;
  return false;
}
