import { type Command, Option } from 'commander';
import { apiKeyOption, fail, serverUrlOption } from '../server-client.js';
import { type AccessTarget, serverTarget } from './access-target.js';

export interface TargetOptions {
  db?: string;
  url: string;
  json?: boolean;
}

/** `--db` (the file, beside a running server or not) or `--url` with an admin `--api-key`; and `--json`. */
export function withTargetOptions(command: Command): Command {
  return command
    .addOption(new Option('--db <path>', 'work on this database file directly (a server may be running on it)'))
    .addOption(serverUrlOption())
    .addOption(apiKeyOption())
    .option('--json', 'print JSON');
}

/** Runs `work` against the target the options name; prints one line and exits 1 when it fails. */
export async function onTarget<T>(opts: TargetOptions, work: (target: AccessTarget) => Promise<T>): Promise<T> {
  let target: AccessTarget;
  // The database's code is loaded only for --db: the other commands start without it.
  const open = opts.db ? (await import('./database-target.js')).databaseTarget : null;
  try {
    target = open && opts.db ? open(opts.db) : serverTarget(opts.url);
  } catch (err) {
    return fail(`cannot open ${opts.db}: ${(err as Error).message}`);
  }
  try {
    return await work(target);
  } catch (err) {
    return fail((err as Error).message);
  } finally {
    target.close();
  }
}
