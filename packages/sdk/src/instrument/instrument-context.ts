import type { Tracer } from '@opentelemetry/api';
import type { ContentPolicy } from '../content.js';

/** What instrumentation needs from the SDK: a tracer and the content policy, read at call time. */
export interface InstrumentContext {
  tracer(): Tracer;
  content(): ContentPolicy;
  /** False after `shutdown()`: wrappers then pass calls straight through. */
  enabled(): boolean;
}
