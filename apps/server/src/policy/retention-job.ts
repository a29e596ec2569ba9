import type { RetentionCutoff, Storage } from '@sightline/storage';
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
  private running: Promise<{ traces: number; spans: number }> | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly policies: ProjectPolicies,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** One pass over every project; a pass already under way is joined, not doubled. */
  run(): Promise<{ traces: number; spans: number }> {
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

  private async pass(): Promise<{ traces: number; spans: number }> {
    const cutoffs = await this.cutoffs();
    let traces = 0;
    let spans = 0;
    const purger = this.storage.purger;
    if (cutoffs.length === 0 || !purger) return { traces, spans };
    for (;;) {
      const step = await purger.deleteOlderThan(cutoffs, RETENTION_STEP_TRACES);
      traces += step.traces;
      spans += step.spans;
      if (step.traces < RETENTION_STEP_TRACES) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (traces > 0) this.logger.info(`retention: deleted ${traces} traces (${spans} spans) past their project's retention`);
    return { traces, spans };
  }
}
