import { Command } from 'commander';
import { printTable } from '../query/output.js';
import { printJson } from '../query/query-client.js';
import { fail } from '../server-client.js';
import { isoMinute } from '../terminal/format.js';
import type { Column } from '../terminal/table.js';
import type { CreatedKeyJson, KeyJson } from './access-target.js';
import { onTarget, type TargetOptions, withTargetOptions } from './target-options.js';

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
    // On a narrow terminal the key, its project and whether it is revoked stay; the times go first.
    col('KEY', 0, (k) => k.id),
    { ...col('PROJECT', 0, (k) => k.project ?? '(admin)'), color: (k, t) => (k.project === null ? dim(t) : t) },
    { ...col('NAME', 2, (k) => k.name ?? ''), shrinkTo: 16 },
    col('CREATED', 4, (k) => isoMinute(k.created_at)),
    col('LAST USED', 3, (k) => isoMinute(k.last_used_at)),
    col('REVOKED', 1, (k) => (k.revoked_at === null ? '' : isoMinute(k.revoked_at))),
  ];
}

function describeCreated(made: CreatedKeyJson): string {
  const what =
    made.project === null ? 'an admin key' : `a key for project "${made.project}"${made.project_created ? ' (the project is new)' : ''}`;
  // Lines that fit 80 columns: the key itself is the one line that may not.
  return [
    `Made ${what}: ${made.id}.`,
    'It is shown this once and stored only as a hash:',
    '',
    `    ${made.key}`,
    '',
    'Send it as "Authorization: Bearer <key>". Exporters:',
    '    OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer <key>"',
    'The SDK and the CLI: SIGHTLINE_API_KEY=<key>',
    '',
  ].join('\n');
}
