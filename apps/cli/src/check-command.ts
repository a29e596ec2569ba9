import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_DB_PATH } from './serve-command.js';

/** Exit codes: the file passed; it is damaged; it could not be opened at all. */
const OK = 0;
const DAMAGED = 1;
const UNREADABLE = 2;

/** `sightline check`: checks a database file's integrity; safe while a server runs on it. */
export function checkCommand(): Command {
  return new Command('check')
    .description(
      `Check a SQLite database's integrity (read-only; works while a server runs on it). Exits ${OK} when it passes, ${DAMAGED} when it is damaged, ${UNREADABLE} when it cannot be opened`,
    )
    .addOption(new Option('--db <path>', 'SQLite database file').env('SIGHTLINE_DB').default(DEFAULT_DB_PATH))
    .addOption(new Option('--quick', 'run quick_check: skips comparing indexes with their tables (much faster on a big file)'))
    .action(async (opts: { db: string; quick?: boolean }) => {
      process.exitCode = check(await import('@sightline/storage-sqlite'), resolve(opts.db), opts.quick === true);
    });
}

type SqliteModule = typeof import('@sightline/storage-sqlite');

function check({ checkDatabase, SCHEMA_VERSION }: SqliteModule, path: string, quick: boolean): number {
  const result = checkDatabase(path, { quick });
  const name = quick ? 'quick check' : 'integrity check';
  if (result.status === 'unreadable') {
    process.stderr.write(`sightline: cannot open the database ${path}: ${result.reason}\n`);
    return UNREADABLE;
  }
  const about = `${path} (${mib(result.bytes)}, schema version ${result.schemaVersion ?? 'unreadable'}${newer(result.schemaVersion, SCHEMA_VERSION)})`;
  if (result.status === 'ok') {
    process.stdout.write(`ok: ${about} passed the ${name}\n`);
    return OK;
  }
  const count = result.more
    ? `more than ${result.problems.length} problems (the first ${result.problems.length} below)`
    : plural(result.problems.length);
  process.stdout.write(
    [
      `damaged: ${about} failed the ${name}: ${count}`,
      ...result.problems.map((p) => `  ${p}`),
      'Reads that touch the damaged pages will fail. Stop the Sightline that uses the file, keep a copy of it (with its',
      '-wal file, if any), then restore a backup, or move it aside and start with a new database (--db).',
      '',
    ].join('\n'),
  );
  return DAMAGED;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function newer(version: number | null, known: number): string {
  return version !== null && version > known ? `, newer than this Sightline's ${known}` : '';
}

function plural(n: number): string {
  return n === 1 ? '1 problem' : `${n} problems`;
}
