import type { IncomingMessage } from 'node:http';
import type { LogRecord, MetricPoint, Span } from '@sightline/core';
import { StorageRefusesWritesError, StorageUnavailableError, type WriteGroup } from '@sightline/storage';
import { RequestScopes } from '../auth/request-scope.js';
import { BodyBudget, DEFAULT_BODY_BUDGET_BYTES } from '../http/body-budget.js';
import { HttpError } from '../http/http-error.js';
import type { Logger } from '../log.js';
import type { IngestLimits } from '../policy/ingest-limits.js';
import type { ProjectPolicies } from '../policy/project-policies.js';
import type { CallExtractor } from './call-extractor.js';
import { nextTurn, SPANS_PER_STEP } from './in-steps.js';
import type { IngestObserver } from './ingest-observer.js';
import { BackpressureError, type Committed, type IngestQueue, isTemporary, QueueClosedError } from './ingest-queue.js';

export interface IngestOptions {
  /** Request bytes held at once by every receiver (see {@link BodyBudget}). */
  readonly bodies?: BodyBudget;
  /** Told of spans once committed (the live stream). */
  readonly observer?: IngestObserver<unknown> | null;
  /** Who each request is and the project it acts in, as the auth guard found it. */
  readonly scopes?: RequestScopes;
  /** Each project's limits and redaction; without them, nothing is limited or redacted. */
  readonly policies?: ProjectPolicies | null;
  /** Counts spans per project and refuses those over a limit. */
  readonly limits?: IngestLimits | null;
}

/**
 * The entry point every receiver shares: which project a request writes to, its limits and
 * redaction, reading the LLM calls of its spans (unless turned off), and committing it all,
 * with failures turned into the answer a client should get (retry later, or not).
 */
export class Ingest {
  readonly bodies: BodyBudget;
  readonly scopes: RequestScopes;
  private readonly observer: IngestObserver<unknown> | null;
  readonly policies: ProjectPolicies | null;
  readonly limits: IngestLimits | null;

  constructor(
    readonly queue: IngestQueue,
    private readonly logger: Logger,
    readonly calls: CallExtractor | null,
    options: IngestOptions = {},
  ) {
    this.bodies = options.bodies ?? new BodyBudget(DEFAULT_BODY_BUDGET_BYTES);
    this.observer = options.observer ?? null;
    this.scopes = options.scopes ?? new RequestScopes();
    this.policies = options.policies ?? null;
    this.limits = options.limits ?? null;
  }

  /** The project a request reads and writes (see `authGuard`). */
  projectOf(req: IncomingMessage): string {
    return this.scopes.projectOf(req);
  }

  /**
   * Commits spans and their calls; returns null when they are durable, or the error to answer
   * with. Beyond {@link SPANS_PER_STEP} spans, the request is admitted whole, then read and
   * queued in steps with a turn of the event loop between them; should a step fail, the
   * client's retry stores only what is missing.
   */
  async accept(project: string, given: readonly Span[], expiresAtUnixNano?: bigint): Promise<HttpError | null> {
    const policy = this.policies ? await this.policies.of(project) : null;
    if (policy && this.limits && given.length > 0) {
      const refused = await this.limits.admit(project, given.length, policy);
      if (refused) return refused;
    }
    // Redacted before anything reads them: the calls, the search index and the raw span alike.
    const redactor = policy?.redactor;
    const spans = redactor ? given.map((s) => redactor.span(s)) : given;
    // Returned, not awaited: a suspended frame would hold the decoded spans until the commit.
    return this.refundIfRetried(project, given.length, policy !== null, this.acceptRedacted(project, spans, expiresAtUnixNano));
  }

  /** Spans counted against a project's limits but not stored are given back: the client is told to send them again. */
  private async refundIfRetried(project: string, count: number, counted: boolean, accepting: Promise<HttpError | null>) {
    const failure = await accepting;
    if (failure && counted && this.limits && count > 0 && failure.status === 503) this.limits.refund(project, count);
    return failure;
  }

  private acceptRedacted(project: string, spans: readonly Span[], expiresAtUnixNano?: bigint): Promise<HttpError | null> {
    if (spans.length <= SPANS_PER_STEP) return this.acceptStep(project, spans, expiresAtUnixNano, false);
    return this.inSteps(spans.length, (from, to) => this.acceptStep(project, spans.slice(from, to), expiresAtUnixNano, true));
  }

  /**
   * A request of `count` items (more than {@link SPANS_PER_STEP}) admitted whole, then queued
   * {@link SPANS_PER_STEP} at a time by `step(from, to)`, with a turn of the event loop between
   * steps; the first failure of any step is the answer.
   */
  private inSteps(count: number, step: (from: number, to: number) => Promise<HttpError | null>): Promise<HttpError | null> {
    const refused = this.queue.refusal(count);
    if (refused) return Promise.resolve(this.failure(refused));
    return queueSteps(count, step).then(firstFailure);
  }

  private acceptStep(project: string, spans: readonly Span[], expiresAtUnixNano: bigint | undefined, admitted: boolean) {
    const calls = this.calls && spans.length ? this.calls.extract(spans) : undefined;
    const group: WriteGroup = { project, spans, calls, expiresAtUnixNano };
    return this.submit(group, this.observer && spans.length ? this.observer.beforeCommit(group) : null, admitted);
  }

  /** The refusal for a project already over a limit, before anything of its request is read; else null. */
  async refusalBeforeReading(project: string): Promise<HttpError | null> {
    if (!this.policies || !this.limits) return null;
    return this.limits.refusalNow(project, await this.policies.of(project));
  }

  /** Commits log records; beyond {@link SPANS_PER_STEP}, redacted and queued in steps as spans are. */
  async acceptLogs(project: string, logs: readonly LogRecord[]): Promise<HttpError | null> {
    const redactor = this.policies ? (await this.policies.of(project)).redactor : null;
    return this.acceptRecords(logs, redactor ? (r) => redactor.log(r) : null, (part) => ({ project, spans: [], logs: part }));
  }

  /** Commits OTLP metric data points as they are; beyond {@link SPANS_PER_STEP}, in steps as spans are. */
  async acceptMetrics(project: string, metrics: readonly MetricPoint[]): Promise<HttpError | null> {
    const redactor = this.policies ? (await this.policies.of(project)).redactor : null;
    return this.acceptRecords(metrics, redactor ? (p) => redactor.metric(p) : null, (part) => ({ project, spans: [], metrics: part }));
  }

  /** Log records or metric points, redacted, as groups of at most {@link SPANS_PER_STEP} (see {@link inSteps}). */
  private acceptRecords<T>(
    items: readonly T[],
    redact: ((item: T) => T) | null,
    group: (part: readonly T[]) => WriteGroup,
  ): Promise<HttpError | null> {
    const groupOf = (from: number, to: number) => {
      const part = from === 0 && to === items.length ? items : items.slice(from, to);
      return group(redact ? part.map(redact) : part);
    };
    if (items.length <= SPANS_PER_STEP) return this.submit(groupOf(0, items.length));
    return this.inSteps(items.length, (from, to) => this.submit(groupOf(from, to), null, true));
  }

  /**
   * Queues a group; resolves with null once it is durable, or the error to answer with. The
   * group itself is let go once the queue has prepared it: only the commit is awaited.
   */
  private submit(group: WriteGroup, observed: unknown = null, admitted = false): Promise<HttpError | null> {
    return this.settle(this.queue.submit(group, admitted), observed);
  }

  private async settle(committing: Promise<Committed>, observed: unknown): Promise<HttpError | null> {
    try {
      const committed = await committing;
      if (observed !== null) this.observer?.committed(observed, committed);
      return null;
    } catch (err) {
      return this.failure(err);
    }
  }

  /** The answer for a request whose data was not committed. */
  private failure(err: unknown): HttpError {
    if (err instanceof BackpressureError) {
      return new HttpError(503, 'unavailable', err.message, { 'Retry-After': String(err.retryAfterSeconds) });
    }
    if (err instanceof QueueClosedError) return new HttpError(503, 'unavailable', err.message, { 'Retry-After': '5' });
    if (isTemporary(err)) {
      this.logger.error('storing telemetry failed; clients are told to retry', err);
      const after = err instanceof StorageUnavailableError ? err.retryAfterSeconds : 5;
      return new HttpError(503, 'unavailable', 'the store could not commit the data; retry later', { 'Retry-After': String(after) });
    }
    if (err instanceof StorageRefusesWritesError) {
      this.logger.error('the store refuses writes; telemetry is refused until an operator fixes it', err);
      return new HttpError(500, 'internal', `the store refuses writes: ${err.message} (see /healthz)`);
    }
    // It failed on its own (its batch was split until it stood alone): retrying cannot help.
    this.logger.error('storing telemetry failed on its data; refused', err);
    return new HttpError(400, 'invalid_argument', `the data could not be stored: ${(err as Error).message}`);
  }
}

/**
 * Queues each step, with a turn of the event loop between them; resolves with their commits
 * once every step is queued, so that `step`, and the items it reads, are let go then.
 */
async function queueSteps(count: number, step: (from: number, to: number) => Promise<HttpError | null>) {
  const steps: Promise<HttpError | null>[] = [];
  for (let i = 0; i < count; i += SPANS_PER_STEP) {
    if (i > 0) await nextTurn();
    steps.push(step(i, Math.min(count, i + SPANS_PER_STEP)));
  }
  return steps;
}

/** The first failure of the steps, once all are done; null when none failed. */
async function firstFailure(steps: Promise<HttpError | null>[]): Promise<HttpError | null> {
  return (await Promise.all(steps)).find((failure) => failure !== null) ?? null;
}
