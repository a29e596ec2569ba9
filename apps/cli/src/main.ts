import { Command, CommanderError } from 'commander';
import { keysCommand } from './access/keys-command.js';
import { projectsCommand } from './access/projects-command.js';
import { checkCommand } from './check-command.js';
import { clickhouseSchemaCommand } from './clickhouse-schema-command.js';
import { datasetsCommand } from './datasets-command.js';
import { demoCommand } from './demo-command.js';
import { mcpCommand } from './mcp/mcp-command.js';
import { exportCommand } from './move/export-command.js';
import { importCommand } from './move/import-command.js';
import { callCommand, sessionCommand, traceCommand } from './query/detail-commands.js';
import { callsCommand, sessionsCommand, statsCommand, tracesCommand } from './query/list-commands.js';
import { recomputeCostsCommand } from './recompute-command.js';
import { serveCommand } from './serve-command.js';
import { PROJECT_ENV, useApiKey } from './server-client.js';
import { tailCommand } from './tail/tail-command.js';
import { VERSION } from './version.js';

/** Exit codes: 0 done, 1 it failed, 2 the command line was wrong (usage). */
export const EXIT_USAGE = 2;

/** Builds the `sightline` command line. */
export function program(): Command {
  return new Command('sightline')
    .description('OpenTelemetry-native observability for LLM applications')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addCommand(serveCommand())
    .addCommand(recomputeCostsCommand())
    .addCommand(exportCommand())
    .addCommand(importCommand())
    .addCommand(checkCommand())
    .addCommand(clickhouseSchemaCommand())
    .addCommand(projectsCommand())
    .addCommand(keysCommand())
    .addCommand(demoCommand())
    .addCommand(datasetsCommand())
    .addCommand(tailCommand())
    .addCommand(tracesCommand())
    .addCommand(traceCommand())
    .addCommand(callsCommand())
    .addCommand(callCommand())
    .addCommand(sessionsCommand())
    .addCommand(sessionCommand())
    .addCommand(statsCommand())
    .addCommand(mcpCommand())
    .addHelpText('after', '\nExit codes: 0 done, 1 failed, 2 wrong usage. Run "sightline <command> --help" for a command’s options.');
}

/**
 * Runs the command line. `sightline` alone prints the help to standard output; a wrong flag,
 * value or command prints why (and where to look) to standard error and exits 2.
 */
export async function run(argv: string[]): Promise<void> {
  // A reader that stopped reading (`| head`) ends the command, quietly and successfully.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const root = program();
  if (argv.length <= 2) {
    root.outputHelp();
    return;
  }
  for (const command of allCommands(root)) {
    command.exitOverride();
    if (command !== root) command.showHelpAfterError(`(run "sightline ${pathOf(command)} --help" for usage)`);
  }
  // The key of the command's --api-key (or SIGHTLINE_API_KEY) goes with every request it makes.
  root.hook('preAction', (_root, action) => {
    const opts = action.opts() as { apiKey?: string; project?: string };
    // Only the --project of projectOption() picks where requests act (`keys create --project`
    // names the key's project instead).
    const picks = action.options.some((o) => o.envVar === PROJECT_ENV);
    useApiKey(opts.apiKey ?? null, picks ? (opts.project ?? null) : null);
  });
  try {
    await root.parseAsync(argv);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    // Help and --version end "in error" for commander, with exit code 0.
    process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE);
  }
}

/** `datasets export` for a subcommand's subcommand. */
function pathOf(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap((c) => allCommands(c))];
}
