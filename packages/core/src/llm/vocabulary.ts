import type { Span } from '../model/span.js';
import type { CallDraft } from './call-draft.js';

/**
 * One attribute vocabulary (OpenTelemetry GenAI, OpenInference, …): how to recognise its
 * spans and how to read a model call from one.
 */
export interface Vocabulary {
  /** The name calls record in `vocabulary`. */
  readonly name: string;
  /**
   * Whether the span speaks this vocabulary. The registry asks in precedence order, passing
   * the marking namespaces the span's keys use (see `keyPrefixes`).
   */
  detect(span: Span, prefixes: number): boolean;
  /**
   * Reads the call into the draft. Returns false when the span speaks the vocabulary but is
   * not a model call of its own (an agent or tool span, or a wrapper repeating its child's usage).
   */
  read(draft: CallDraft): boolean;
  /**
   * Reads what the call said — messages, tool calls, request parameters, and what derives
   * from them — after `read` accepted the span. Kept apart so ingest can store a call's
   * figures without parsing its content (which is read from the span when the call is shown).
   */
  readContent?(draft: CallDraft): void;
}
