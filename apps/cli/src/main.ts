import { VERSION } from '@sightline/server';
import { Command } from 'commander';
import { checkCommand } from './check-command.js';
import { datasetsCommand } from './datasets-command.js';
import { demoCommand } from './demo-command.js';
import { importCommand } from './import-command.js';
import { recomputeCostsCommand } from './recompute-command.js';
import { serveCommand } from './serve-command.js';
import { tailCommand } from './tail/tail-command.js';

/** Builds the `sightline` command line. */
export function program(): Command {
  return new Command('sightline')
    .description('OpenTelemetry-native observability for LLM applications')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addCommand(serveCommand())
    .addCommand(recomputeCostsCommand())
    .addCommand(importCommand())
    .addCommand(checkCommand())
    .addCommand(demoCommand())
    .addCommand(datasetsCommand())
    .addCommand(tailCommand());
}

export async function run(argv: string[]): Promise<void> {
  await program().parseAsync(argv);
}
