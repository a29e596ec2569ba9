import { Command, InvalidArgumentError, Option } from 'commander';
import { parseDays, parsePositiveInt, parseRedactRules, splitList } from '../options.js';
import { printTable } from '../query/output.js';
import { printJson } from '../query/query-client.js';
import { fail } from '../server-client.js';
import { isoMinute } from '../terminal/format.js';
import type { ProjectJson } from './access-target.js';
import { onTarget, type TargetOptions, withTargetOptions } from './target-options.js';

interface SettingOptions {
  retention?: number;
  spansPerSecond?: number;
  spansPerDay?: number;
  spansPerMonth?: number;
  redact?: string[];
  redactPattern?: { name: string; regex: string }[];
  redactKey?: string[];
}

function parsePattern(value: string, previous: { name: string; regex: string }[] = []): { name: string; regex: string }[] {
  const eq = value.indexOf('=');
  if (eq < 1) throw new InvalidArgumentError('must be NAME=REGEX, such as order-id=ORD-[0-9]{8}.');
  return [...previous, { name: value.slice(0, eq), regex: value.slice(eq + 1) }];
}

const collect = (value: string, previous: string[] = []) => [...previous, ...splitList(value)];

function withSettingOptions(command: Command): Command {
  return command
    .addOption(new Option('--retention <days>', 'keep its traces this long (30d); else the server’s --retention').argParser(parseDays))
    .addOption(new Option('--spans-per-second <n>', 'spans a second it may send (429 beyond)').argParser(parsePositiveInt))
    .addOption(new Option('--spans-per-day <n>', 'spans a UTC day it may send').argParser(parsePositiveInt))
    .addOption(new Option('--spans-per-month <n>', 'spans a calendar month it may send').argParser(parsePositiveInt))
    .addOption(
      new Option('--redact <rules>', 'built-in redaction rules: email, api-key, card-number, phone (comma-separated)').argParser(
        parseRedactRules,
      ),
    )
    .addOption(new Option('--redact-pattern <name=regex>', 'your own redaction rule (repeatable)').argParser(parsePattern))
    .addOption(
      new Option('--redact-key <keys>', 'attribute keys whose values are always redacted (comma-separated, repeatable)').argParser(collect),
    );
}

/** The settings the flags give, as the API names them; only those given. */
function settingsOf(o: SettingOptions): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  if (o.retention !== undefined) s.retention_days = o.retention;
  if (o.spansPerSecond !== undefined) s.spans_per_second = o.spansPerSecond;
  if (o.spansPerDay !== undefined) s.spans_per_day = o.spansPerDay;
  if (o.spansPerMonth !== undefined) s.spans_per_month = o.spansPerMonth;
  if (o.redact || o.redactPattern || o.redactKey)
    s.redaction = { builtins: o.redact ?? [], patterns: o.redactPattern ?? [], attribute_keys: o.redactKey ?? [] };
  return s;
}

/** `sightline projects create|list|set`. */
export function projectsCommand(): Command {
  const projects = new Command('projects').description('Create and list projects, and set their retention, limits and redaction');
  projects.addCommand(
    withTargetOptions(
      withSettingOptions(
        new Command('create').description('Create a project').argument('<name>', 'lowercase letters, digits, ".", "_", "-"'),
      ),
    ).action(async (name: string, opts: TargetOptions & SettingOptions) => {
      const made = await onTarget(opts, (t) => t.createProject(name, settingsOf(opts)));
      if (opts.json) printJson(made);
      else process.stdout.write(`Created project "${made.name}". Make a key for it with: sightline keys create --project ${made.name}\n`);
    }),
  );
  projects.addCommand(
    withTargetOptions(
      withSettingOptions(
        new Command('set')
          .description('Change a project’s settings (redaction flags replace its rules whole)')
          .argument('<name>', 'the project'),
      ),
    ).action(async (name: string, opts: TargetOptions & SettingOptions) => {
      const settings = settingsOf(opts);
      if (Object.keys(settings).length === 0)
        fail('say what to set: --retention, --spans-per-second, --spans-per-day, --spans-per-month or --redact…');
      const updated = await onTarget(opts, (t) => t.updateProject(name, settings));
      if (!updated) fail(`no project "${name}"`);
      if (opts.json) printJson(updated);
      else process.stdout.write(`Project "${name}": ${describeSettings(updated)}\n`);
    }),
  );
  projects.addCommand(
    withTargetOptions(new Command('list').description('List projects and their settings')).action(async (opts: TargetOptions) => {
      const list = await onTarget(opts, (t) => t.listProjects());
      if (opts.json) return printJson(list);
      printTable(
        list,
        () => [
          { header: 'PROJECT', align: 'left', drop: 0, cell: (p: ProjectJson) => p.name },
          { header: 'CREATED', align: 'left', drop: 2, cell: (p: ProjectJson) => isoMinute(p.created_at) },
          { header: 'SETTINGS', align: 'left', drop: 1, shrinkTo: 30, cell: describeSettings },
        ],
        'No projects yet. Make one with: sightline projects create NAME',
      );
    }),
  );
  return projects;
}

function describeSettings(p: ProjectJson): string {
  const s = p.settings;
  const parts: string[] = [];
  if (s.retention_days !== null) parts.push(`retention ${s.retention_days}d`);
  const n = (v: number) => v.toLocaleString('en-US');
  if (s.spans_per_second !== null) parts.push(`${n(s.spans_per_second)} spans/s`);
  if (s.spans_per_day !== null) parts.push(`${n(s.spans_per_day)} spans/day`);
  if (s.spans_per_month !== null) parts.push(`${n(s.spans_per_month)} spans/month`);
  const r = s.redaction;
  if (r) {
    const rules = [...r.builtins, ...r.patterns.map((x) => x.name), ...r.attribute_keys.map((k) => `key ${k}`)];
    if (rules.length) parts.push(`redacts ${rules.join(', ')}`);
  }
  return parts.length ? parts.join(' · ') : 'server defaults';
}
