import type { LlmCall } from '@sightline/core';
import type { TraceSummary } from '@sightline/storage';

/**
 * Which sets of attribute filters (`attr.*`, `resource.*`) a call's span met, judged while the
 * span was at hand, before it was committed: the span itself is not kept. A set not `judged`
 * (no client used it then) cannot be told later.
 */
export interface AttributeVerdicts {
  readonly judged: ReadonlySet<string>;
  readonly met: ReadonlySet<string>;
}

/** An event as published, before it has an id. */
export type LiveEventDraft =
  | {
      readonly kind: 'call';
      readonly project: string;
      /** The call's JSON, as `GET /api/llm-calls` lists it. */
      readonly data: string;
      readonly call: LlmCall;
      readonly verdicts: AttributeVerdicts | null;
    }
  | {
      readonly kind: 'trace';
      readonly project: string;
      /** The trace summary's JSON, as `GET /api/traces` lists it. */
      readonly data: string;
      readonly trace: TraceSummary;
    };

/** A published event: its id (increasing) and its frame as sent. */
export type LiveEvent = LiveEventDraft & { readonly id: number; readonly frame: string };
