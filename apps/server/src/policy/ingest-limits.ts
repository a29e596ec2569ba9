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
  async admit(project: string, spans: number, policy: ProjectPolicy): Promise<HttpError | null> {
    const at = this.now();
    const counts = await this.countsOf(project, at);
    const refused = quotaRefusal(project, policy, counts, spans, at);
    if (refused) return refused;
    if (policy.spansPerSecond !== null) {
      const b = this.bucketOf(project, policy.spansPerSecond, at);
      // Taken whenever the bucket holds anything, perhaps leaving it in debt that later requests
      // wait out: the rate holds on average, and `refusalNow` can tell before a body is read.
      if (b.tokens <= 0) return rateRefusal(project, policy.spansPerSecond, b.tokens);
      b.tokens -= spans;
    }
    counts.today += spans;
    counts.thisMonth += spans;
    counts.unsaved.set(counts.day, (counts.unsaved.get(counts.day) ?? 0) + spans);
    return null;
  }

  /** The refusal for a project with nothing left (an empty bucket, a used-up quota), counting nothing; else null. */
  async refusalNow(project: string, policy: ProjectPolicy): Promise<HttpError | null> {
    if (policy.spansPerSecond === null && policy.spansPerDay === null && policy.spansPerMonth === null) return null;
    const at = this.now();
    const refused = quotaRefusal(project, policy, await this.countsOf(project, at), 1, at);
    if (refused || policy.spansPerSecond === null) return refused;
    const b = this.bucketOf(project, policy.spansPerSecond, at);
    return b.tokens <= 0 ? rateRefusal(project, policy.spansPerSecond, b.tokens) : null;
  }

  /** The project's bucket, filled for the time since it was last looked at (two seconds' worth at most). */
  private bucketOf(project: string, rate: number, at: number): Bucket {
    const b = this.buckets.get(project) ?? { tokens: rate * 2, at };
    b.tokens = Math.min(rate * 2, b.tokens + ((at - b.at) / 1000) * rate);
    b.at = at;
    this.buckets.set(project, b);
    return b;
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

  /** The project's days between two `YYYY-MM-DD` (inclusive): as saved, with what is counted and not saved yet. */
  async history(project: string, fromDay: string, toDay: string): Promise<UsageDay[]> {
    const saved = await this.access.readUsage(project, fromDay, toDay);
    const unsaved = this.counts.get(project)?.unsaved;
    if (!unsaved?.size) return saved;
    const byDay = new Map(saved.map((d) => [d.day, d.spans]));
    for (const [day, spans] of unsaved) if (day >= fromDay && day <= toDay) byDay.set(day, (byDay.get(day) ?? 0) + spans);
    return [...byDay].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, spans]) => ({ project, day, spans }));
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

/** The refusal of `spans` more spans when they would pass a day's or a month's quota; else null. */
function quotaRefusal(project: string, policy: ProjectPolicy, counts: Counts, spans: number, at: number): HttpError | null {
  if (policy.spansPerDay !== null && counts.today + spans > policy.spansPerDay)
    return quotaExhausted(project, `${policy.spansPerDay.toLocaleString('en-US')} spans a day`, counts.today, secondsUntil(at, 'day'));
  if (policy.spansPerMonth !== null && counts.thisMonth + spans > policy.spansPerMonth)
    return quotaExhausted(
      project,
      `${policy.spansPerMonth.toLocaleString('en-US')} spans a month`,
      counts.thisMonth,
      secondsUntil(at, 'month'),
    );
  return null;
}

/** Told to wait until a bucket holding `tokens` (none, or in debt) holds one again. */
function rateRefusal(project: string, rate: number, tokens: number): HttpError {
  const wait = Math.max(1, Math.ceil(-tokens / rate));
  return new HttpError(
    429,
    'resource_exhausted',
    `project "${project}" may send ${rate.toLocaleString('en-US')} spans a second; retry after ${wait} s`,
    { 'Retry-After': String(wait) },
  );
}

function quotaExhausted(project: string, limit: string, used: number, retryAfter: number): HttpError {
  return new HttpError(
    429,
    'resource_exhausted',
    `project "${project}" has used ${used.toLocaleString('en-US')} of its ${limit}; it may send again in ${retryAfter} s`,
    { 'Retry-After': String(retryAfter) },
  );
}
