import { Command } from 'commander';
import { printTable } from '../query/output.js';
import { printJson } from '../query/query-client.js';
import { fail } from '../server-client.js';
import type { Column } from '../terminal/table.js';
import type { CreatedKeyJson, KeyJson } from './access-target.js';
import { iso, onTarget, type TargetOptions, withTargetOptions } from './target-options.js';

/** `sightline keys create|list|revoke`: API keys of projects, and admin keys. */
export function keysCommand(): Command {
  const keys = new Command('keys').description('Create, list and revoke API keys (each selects one project, or is an admin key)');
  keys.addCommand(
    withTargetOptions(
      new Command('create')
        .description('Make a key for a project (made too if new); the key is shown this once')
        .option('--project <name>', 'the project the key reads and writes')
        .option('--name <label>', 'what the key is for, to recognise it in lists')
        .option('--admin', 'an admin key instead: manages projects and keys, may act in any project'),
    ).action(async (opts: TargetOptions & { project?: string; name?: string; admin?: boolean }) => {
      if (!opts.admin && !opts.project) fail('say which project the key is for with --project NAME (or make an admin key with --admin)');
      if (opts.admin && opts.project) fail('an admin key belongs to no project: give --admin or --project, not both');
      const made = await onTarget(opts, (t) => t.createKey(opts.admin ? null : (opts.project as string), opts.name ?? null));
      if (opts.json) printJson({ project: made.project, key: made.key, id: made.id, role: made.role, name: made.name });
      else process.stdout.write(describeCreated(made));
    }),
  );
  keys.addCommand(
    withTargetOptions(
      new Command('list').description('List keys (never the keys themselves)').option('--project <name>', 'only this project’s keys'),
    ).action(async (opts: TargetOptions & { project?: string }) => {
      const list = await onTarget(opts, (t) => t.listKeys(opts.project ?? null));
      if (opts.json) return printJson(list);
      printTable(
        list,
        (style) => keyColumns(style.dim),
        opts.project ? `Project "${opts.project}" has no keys.` : 'No keys yet. Make one with: sightline keys create --project NAME',
      );
    }),
  );
  keys.addCommand(
    withTargetOptions(
      new Command('revoke')
        .description('Revoke a key: refused from then on')
        .argument('<id>', 'the key’s id (sl_…, as keys list shows it)'),
    ).action(async (id: string, opts: TargetOptions) => {
      const keyId = /^sl_[0-9a-f]{12}/.exec(id)?.[0] ?? id;
      const revoked = await onTarget(opts, (t) => t.revokeKey(keyId));
      if (!revoked) fail(`no key "${keyId}"`);
      if (opts.json) printJson(revoked);
      else process.stdout.write(`Revoked ${revoked.id}${revoked.project ? ` (project ${revoked.project})` : ' (admin key)'}.\n`);
    }),
  );
  return keys;
}

function keyColumns(dim: (text: string) => string): Column<KeyJson>[] {
  const col = (header: string, drop: number, cell: (k: KeyJson) => string): Column<KeyJson> => ({ header, align: 'left', drop, cell });
  return [
    col('KEY', 9, (k) => k.id),
    { ...col('PROJECT', 8, (k) => k.project ?? '(admin)'), color: (k, t) => (k.project === null ? dim(t) : t) },
    { ...col('NAME', 2, (k) => k.name ?? ''), shrinkTo: 16 },
    col('CREATED', 3, (k) => iso(k.created_at)),
    col('LAST USED', 4, (k) => iso(k.last_used_at)),
    col('REVOKED', 5, (k) => (k.revoked_at === null ? '' : iso(k.revoked_at))),
  ];
}

function describeCreated(made: CreatedKeyJson): string {
  const what =
    made.project === null ? 'an admin key' : `a key for project "${made.project}"${made.project_created ? ' (the project is new)' : ''}`;
  return [
    `Made ${what}: ${made.id}. It is shown this once and stored only as a hash:`,
    '',
    `    ${made.key}`,
    '',
    'Send it as "Authorization: Bearer <key>": OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer <key>", SIGHTLINE_API_KEY for the SDK and the CLI.',
    '',
  ].join('\n');
}
