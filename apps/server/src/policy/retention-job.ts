import type { RetentionCutoff, RetentionStep, Storage } from '@sightline/storage';
import type { Logger } from '../log.js';
import type { ProjectPolicies } from './project-policies.js';

/** Traces deleted per step: each step is one short transaction, and ingest runs between steps. */
export const RETENTION_STEP_TRACES = 500;
const DAY_NS = 86_400_000_000_000n;

/**
 * Deletes what has outlived its project's retention (its own, or the server's `--retention`):
 * traces that started more than that many days ago, oldest first, {@link RETENTION_STEP_TRACES}
 * at a time with a turn of the event loop between steps, so ingest never waits long.
 */
export class RetentionJob {
  private running: Promise<RetentionStep> | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly policies: ProjectPolicies,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** One pass over every project; a pass already under way is joined, not doubled. */
  run(): Promise<RetentionStep> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async cutoffs(): Promise<RetentionCutoff[]> {
    const purger = this.storage.purger;
    if (!purger) return [];
    const names = new Set([...(await purger.dataProjects()), ...(await this.storage.access.listProjects()).map((p) => p.name)]);
    const nowNs = BigInt(this.now()) * 1_000_000n;
    const cutoffs: RetentionCutoff[] = [];
    for (const project of names) {
      const days = (await this.policies.of(project)).retentionDays;
      if (days !== null) cutoffs.push({ project, beforeUnixNano: nowNs - BigInt(days) * DAY_NS });
    }
    return cutoffs;
  }

  private async pass(): Promise<RetentionStep> {
    const cutoffs = await this.cutoffs();
    const total = { traces: 0, spans: 0, logs: 0, metricPoints: 0 };
    const purger = this.storage.purger;
    if (cutoffs.length === 0 || !purger) return total;
    for (;;) {
      const step = await purger.deleteOlderThan(cutoffs, RETENTION_STEP_TRACES);
      total.traces += step.traces;
      total.spans += step.spans;
      total.logs += step.logs;
      total.metricPoints += step.metricPoints;
      const full =
        step.traces >= RETENTION_STEP_TRACES || step.logs >= RETENTION_STEP_TRACES * 10 || step.metricPoints >= RETENTION_STEP_TRACES * 10;
      if (!full) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (total.traces + total.logs + total.metricPoints > 0)
      this.logger.info(
        `retention: deleted ${total.traces} traces (${total.spans} spans), ${total.logs} log records and ${total.metricPoints} metric points past their project's retention`,
      );
    return total;
  }
}
