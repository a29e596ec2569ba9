import type { AccessStore, ProjectSettings, RedactionSettings } from '@sightline/storage';
import { BUILTIN_RULES, customRule, type TextRule } from '../redaction/redaction-rules.js';
import { Redactor } from '../redaction/redactor.js';

/** What applies to a project's data: its settings over the server's defaults, and its redactor. */
export interface ProjectPolicy {
  readonly retentionDays: number | null;
  readonly spansPerSecond: number | null;
  readonly spansPerDay: number | null;
  readonly spansPerMonth: number | null;
  /** Null when nothing is redacted. */
  readonly redactor: Redactor | null;
}

/** The server's defaults (`--retention`, `--redact`), for projects that set none of their own. */
export interface PolicyDefaults {
  readonly retentionDays: number | null;
  readonly redaction: RedactionSettings | null;
}

/** How long a project's settings are used before being read again (changes made with `--db` show within it). */
export const POLICY_TTL_MS = 5_000;

export function redactorOf(r: RedactionSettings | null | undefined): Redactor | null {
  if (!r) return null;
  const rules: TextRule[] = [];
  for (const name of r.builtins) {
    const rule = BUILTIN_RULES[name as keyof typeof BUILTIN_RULES];
    if (rule) rules.push(rule);
  }
  for (const p of r.patterns) rules.push(customRule(p.name, p.regex));
  const redactor = new Redactor(rules, r.attributeKeys);
  return redactor.empty ? null : redactor;
}

export function policyOf(settings: ProjectSettings, defaults: PolicyDefaults): ProjectPolicy {
  return {
    retentionDays: settings.retentionDays ?? defaults.retentionDays,
    spansPerSecond: settings.spansPerSecond ?? null,
    spansPerDay: settings.spansPerDay ?? null,
    spansPerMonth: settings.spansPerMonth ?? null,
    redactor: redactorOf(settings.redaction === undefined || settings.redaction === null ? defaults.redaction : settings.redaction),
  };
}

/**
 * Each project's policy, read from the store and kept for {@link POLICY_TTL_MS}: the ingest
 * path asks for it on every request, and must not wait on the store each time.
 */
export class ProjectPolicies {
  private readonly cache = new Map<string, { at: number; policy: ProjectPolicy }>();
  private readonly loading = new Map<string, Promise<ProjectPolicy>>();

  constructor(
    private readonly access: AccessStore,
    readonly defaults: PolicyDefaults,
    private readonly now: () => number = Date.now,
  ) {}

  async of(project: string): Promise<ProjectPolicy> {
    const held = this.cache.get(project);
    if (held && this.now() - held.at < POLICY_TTL_MS) return held.policy;
    let load = this.loading.get(project);
    if (!load) {
      load = this.access
        .getProject(project)
        .then((p) => {
          const policy = policyOf(p?.settings ?? {}, this.defaults);
          this.cache.set(project, { at: this.now(), policy });
          return policy;
        })
        .finally(() => this.loading.delete(project));
      this.loading.set(project, load);
    }
    // A store that cannot be read now keeps the last policy known rather than failing ingest.
    return held ? load.catch(() => held.policy) : load;
  }

  /** Forgets a project's policy (its settings were just changed here). */
  forget(project: string): void {
    this.cache.delete(project);
  }
}
