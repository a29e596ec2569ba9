import type { Span } from '@sightline/core';
import { Random } from './random.js';
import type { Conversation, Scenario, ScenarioContext } from './scenario.js';
import { codingScenario, longRunScenario } from './scenario-coding.js';
import { indexingScenario } from './scenario-indexing.js';
import { ragScenario } from './scenario-rag.js';
import { summarizeScenario } from './scenario-summarize.js';
import { supportScenario } from './scenario-support.js';
import { triageScenario } from './scenario-triage.js';
import { webChatScenario } from './scenario-web-chat.js';
import { TraceBuilder } from './trace-builder.js';

/** Every kind of traffic the demo sends. */
export const SCENARIOS: readonly Scenario[] = [
  supportScenario,
  codingScenario,
  summarizeScenario,
  indexingScenario,
  triageScenario,
  webChatScenario,
  ragScenario,
  longRunScenario,
];

/**
 * Where a trace goes in time: starting at a moment but ending by another (filling the past),
 * or ending at a moment (live).
 */
export type Anchor = { readonly startNs: bigint; readonly notAfterNs: bigint } | { readonly endNs: bigint };

export interface DemoTrace {
  readonly scenario: string;
  readonly spans: Span[];
  readonly startNs: bigint;
  readonly endNs: bigint;
}

interface OpenConversation {
  readonly sessionId: string;
  readonly userId: string;
  readonly turns: number;
  readonly history: Conversation['history'];
  readonly topic: number;
  turn: number;
  lastEndNs: bigint;
}

const NS_PER_MS = 1_000_000n;
/** A user reads the answer and types the next message: at least this long between two turns. */
const THINK_NS = 20_000n * NS_PER_MS;
/** Conversational turns finish well within this (for placing a live turn before its end is known). */
const TURN_NS = 30_000n * NS_PER_MS;

/**
 * The demo's traffic, trace after trace, from one seed: the same seed gives the same traces
 * (ids, text, figures) placed at the same distances from their anchors. The first traces go
 * through every scenario once (in an order the seed picks), so a short demo still shows each;
 * then scenarios come by weight. Conversational scenarios continue open conversations —
 * a session id, a user, the history — a turn at a time, or start new ones.
 */
export class DemoTraffic {
  private readonly rng: Random;
  private readonly users: string[];
  private readonly tour: Scenario[];
  private readonly open = new Map<string, OpenConversation[]>();
  private count = 0;

  constructor(
    seed: number,
    private readonly scenarios: readonly Scenario[] = SCENARIOS,
  ) {
    this.rng = new Random(seed);
    this.users = Array.from({ length: 24 }, () => `user_${this.rng.alnum(8).toLowerCase()}`);
    this.tour = this.rng.shuffle(scenarios.filter((s) => s.inTour));
  }

  next(anchor: Anchor): DemoTrace {
    const rng = this.rng;
    const showcase = this.count < this.tour.length;
    const scenario = showcase ? (this.tour[this.count] as Scenario) : rng.weighted(this.scenarios.map((s) => [s, s.weight] as const));
    this.count++;
    const expectedStart = 'startNs' in anchor ? anchor.startNs : anchor.endNs - TURN_NS;
    const conversation = scenario.sessionPrefix ? this.conversationFor(scenario, scenario.sessionPrefix, expectedStart) : null;
    const trace = new TraceBuilder(rng);
    const ctx: ScenarioContext = {
      rng,
      trace,
      showcase,
      conversation: conversation && { ...conversation },
      user: () => this.user(),
    };
    scenario.run(ctx);
    const duration = BigInt(Math.ceil(trace.durationMs * 1e6));
    let startNs = 'startNs' in anchor ? anchor.startNs : anchor.endNs - duration;
    if ('startNs' in anchor) {
      if (conversation && startNs < conversation.lastEndNs + THINK_NS) startNs = conversation.lastEndNs + THINK_NS;
      if (startNs + duration > anchor.notAfterNs) startNs = anchor.notAfterNs - duration;
    }
    if (conversation) {
      conversation.turn++;
      conversation.lastEndNs = startNs + duration;
      if (conversation.turn >= conversation.turns) this.close(scenario.name, conversation);
    }
    return { scenario: scenario.name, spans: trace.finish(startNs), startNs, endNs: startNs + duration };
  }

  /** An open conversation of this scenario whose user has had time to answer, or a new one. */
  private conversationFor(scenario: Scenario, prefix: string, startNs: bigint): OpenConversation {
    const rng = this.rng;
    const list = this.open.get(scenario.name) ?? [];
    this.open.set(scenario.name, list);
    const ready = list.filter((c) => c.lastEndNs + THINK_NS <= startNs);
    if (ready.length && rng.chance(0.65)) return rng.pick(ready);
    const conversation: OpenConversation = {
      sessionId: `${prefix}${rng.hex(16)}`,
      userId: this.user(),
      turns: rng.weighted([
        [1, 3],
        [2, 3],
        [3, 3],
        [4, 2],
        [5, 1],
      ]),
      history: [],
      topic: rng.int(0, 1_000),
      turn: 0,
      lastEndNs: 0n,
    };
    list.push(conversation);
    return conversation;
  }

  private close(scenario: string, conversation: OpenConversation): void {
    const list = this.open.get(scenario) ?? [];
    const at = list.indexOf(conversation);
    if (at >= 0) list.splice(at, 1);
  }

  /** Some users are much busier than others (a Zipf-like pick). */
  private user(): string {
    const i = Math.floor(this.users.length * this.rng.next() ** 2);
    return this.users[i] as string;
  }
}
