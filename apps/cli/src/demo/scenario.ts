import type { ChatMessage } from './model-calls.js';
import type { Random } from './random.js';
import type { TraceBuilder } from './trace-builder.js';

/** A multi-turn conversation that a scenario continues across traces: one session, one user. */
export interface Conversation {
  readonly sessionId: string;
  readonly userId: string;
  /** Turns already done: 0 for the first. */
  readonly turn: number;
  /** How many turns it will have. */
  readonly turns: number;
  /** What was said so far; a turn appends its question and answer. */
  readonly history: ChatMessage[];
  /** Fixed for the conversation: which topic it is about. */
  readonly topic: number;
}

export interface ScenarioContext {
  readonly rng: Random;
  readonly trace: TraceBuilder;
  /** The conversation this trace is a turn of, for conversational scenarios. */
  readonly conversation: Conversation | null;
  /** The first pass over the scenarios: show what each is there for (its error, its cache, its stream). */
  readonly showcase: boolean;
  /** One of the demo apps' users, the busiest most often. */
  user(): string;
}

/** One kind of traffic: an app doing one job, recorded in one vocabulary. */
export interface Scenario {
  readonly name: string;
  /** How often it is picked, relative to the others. */
  readonly weight: number;
  /** Sent once in the first pass, so even a short demo shows it. */
  readonly inTour: boolean;
  /** Each trace is a turn of a conversation: this prefixes its session ids. */
  readonly sessionPrefix?: string;
  /** Builds one trace into `ctx.trace`. */
  run(ctx: ScenarioContext): void;
}
