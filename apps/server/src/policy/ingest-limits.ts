import type { AccessStore, UsageDay } from '@sightline/storage';
import { HttpError } from '../http/http-error.js';
import type { ProjectPolicy } from './project-policies.js';

/** `YYYY-MM-DD` of a time, in UTC. */
export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Seconds from `ms` to the next UTC midnight (or first of the month). */
function secondsUntil(ms: number, unit: 'day' | 'month'): number {
  const d = new Date(ms);
  const next =
    unit === 'day'
      ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)
      : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return Math.max(1, Math.ceil((next - ms) / 1000));
}

interface Bucket {
  tokens: number;
  at: number;
}

interface Counts {
  day: string;
  today: number;
  month: string;
  thisMonth: number;
  /** Spans counted since the last flush, by day. */
  unsaved: Map<string, number>;
}

/**
 * Per-project limits on spans sent: a rate (a token bucket holding two seconds' worth, so short
 * bursts pass, which a request may overdraw and the next ones wait out) and quotas per UTC day and month. A project over its limit is refused with 429
 * and when to come back; no other project waits on it. Counts of spans taken are written to
 * the store now and then (`flush`), so quotas hold across restarts.
 */
export class IngestLimits {
  private readonly buckets = new Map<string, Bucket>();
  private readonly counts = new Map<string, Counts>();
  private readonly loading = new Map<string, Promise<Counts>>();

  constructor(
    private readonly access: AccessStore,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Admits `spans` spans of `project` under `policy`, counting them; or the refusal. Projects
   * without a limit are counted and never refused.
   */
  admit(project: string, spans: number, policy: ProjectPolicy): Promise<HttpError | null> {
    return this.admitCounted(project, spans, policy, true);
  }

  private async admitCounted(project: string, spans: number, policy: ProjectPolicy, count: boolean): Promise<HttpError | null> {
    const at = this.now();
    const counts = await this.countsOf(project, at);
    if (policy.spansPerDay !== null && counts.today + spans > policy.spansPerDay)
      return quotaRefusal(project, `${policy.spansPerDay.toLocaleString('en-US')} spans a day`, counts.today, secondsUntil(at, 'day'));
    if (policy.spansPerMonth !== null && counts.thisMonth + spans > policy.spansPerMonth)
      return quotaRefusal(
        project,
        `${policy.spansPerMonth.toLocaleString('en-US')} spans a month`,
        counts.thisMonth,
        secondsUntil(at, 'month'),
      );
    if (policy.spansPerSecond !== null) {
      const wait = count ? this.take(project, spans, policy.spansPerSecond, at) : this.waitFor(project, policy.spansPerSecond, at);
      if (wait > 0)
        return new HttpError(
          429,
          'resource_exhausted',
          `project "${project}" may send ${policy.spansPerSecond.toLocaleString('en-US')} spans a second; retry after ${wait} s`,
          { 'Retry-After': String(wait) },
        );
    }
    if (!count) return null;
    counts.today += spans;
    counts.thisMonth += spans;
    counts.unsaved.set(counts.day, (counts.unsaved.get(counts.day) ?? 0) + spans);
    return null;
  }

  /** The refusal for a project with nothing left (an empty bucket, a used-up quota), without counting anything; else null. */
  async refusalNow(project: string, policy: ProjectPolicy): Promise<HttpError | null> {
    if (policy.spansPerSecond === null && policy.spansPerDay === null && policy.spansPerMonth === null) return null;
    return this.admitCounted(project, 1, policy, false);
  }

  /**
   * Takes `n` tokens at `rate` a second: 0 when taken, else whole seconds to wait. A request is
   * taken whenever the bucket holds anything, and may leave it in debt that later requests wait
   * out: the rate holds on average, and whether a request will be refused is known before its
   * body is read (see `refusalNow`).
   */
  private take(project: string, n: number, rate: number, at: number): number {
    const b = this.buckets.get(project) ?? { tokens: rate * 2, at };
    b.tokens = Math.min(rate * 2, b.tokens + ((at - b.at) / 1000) * rate);
    b.at = at;
    this.buckets.set(project, b);
    if (b.tokens > 0) {
      b.tokens -= n;
      return 0;
    }
    return Math.max(1, Math.ceil(-b.tokens / rate));
  }

  /** Whole seconds until the bucket holds anything again; 0 when it does. */
  private waitFor(project: string, rate: number, at: number): number {
    const b = this.buckets.get(project);
    if (!b) return 0;
    const tokens = Math.min(rate * 2, b.tokens + ((at - b.at) / 1000) * rate);
    return tokens > 0 ? 0 : Math.max(1, Math.ceil(-tokens / rate));
  }

  /** Gives back spans counted by `admit` that were not stored after all (the client will send them again). */
  refund(project: string, spans: number): void {
    const c = this.counts.get(project);
    if (!c) return;
    c.today = Math.max(0, c.today - spans);
    c.thisMonth = Math.max(0, c.thisMonth - spans);
    c.unsaved.set(c.day, (c.unsaved.get(c.day) ?? 0) - spans);
  }

  /** What a project has sent today and this month. */
  async usage(project: string): Promise<{ today: number; thisMonth: number }> {
    const c = await this.countsOf(project, this.now());
    return { today: c.today, thisMonth: c.thisMonth };
  }

  /** The project's days between two `YYYY-MM-DD` (inclusive), as saved. */
  history(project: string, fromDay: string, toDay: string): Promise<UsageDay[]> {
    return this.access.readUsage(project, fromDay, toDay);
  }

  private async countsOf(project: string, at: number): Promise<Counts> {
    const day = dayOf(at);
    const held = this.counts.get(project);
    if (held && held.day === day) return held;
    if (held) {
      // A new day (and perhaps month): start counting it, keeping what is not yet saved.
      const month = day.slice(0, 7);
      held.thisMonth = held.month === month ? held.thisMonth : 0;
      held.month = month;
      held.day = day;
      held.today = 0;
      return held;
    }
    let load = this.loading.get(project);
    if (!load) {
      const month = day.slice(0, 7);
      load = this.access
        .readUsage(project, `${month}-01`, day)
        .then((days) => {
          const counts: Counts = {
            day,
            month,
            today: days.find((d) => d.day === day)?.spans ?? 0,
            thisMonth: days.reduce((n, d) => n + d.spans, 0),
            unsaved: new Map(),
          };
          this.counts.set(project, counts);
          return counts;
        })
        .finally(() => this.loading.delete(project));
      this.loading.set(project, load);
    }
    return load;
  }

  /** Writes the counts taken since the last flush. */
  async flush(): Promise<void> {
    const days: UsageDay[] = [];
    for (const [project, c] of this.counts) {
      for (const [day, spans] of c.unsaved) days.push({ project, day, spans });
      c.unsaved.clear();
    }
    if (days.length === 0) return;
    try {
      await this.access.addUsage(days);
    } catch (err) {
      // Kept for the next flush.
      for (const d of days) {
        const c = this.counts.get(d.project);
        c?.unsaved.set(d.day, (c.unsaved.get(d.day) ?? 0) + d.spans);
      }
      throw err;
    }
  }
}

function quotaRefusal(project: string, limit: string, used: number, retryAfter: number): HttpError {
  return new HttpError(
    429,
    'resource_exhausted',
    `project "${project}" has used ${used.toLocaleString('en-US')} of its ${limit}; it may send again in ${retryAfter} s`,
    { 'Retry-After': String(retryAfter) },
  );
}
