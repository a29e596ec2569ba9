import { Command } from 'commander';
import { apiKeyOption, callServer, errorOf, fail, serverUrlOption } from './server-client.js';

/** `sightline recompute-costs`: asks a running server to reprice every stored call. */
export function recomputeCostsCommand(): Command {
  return new Command('recompute-costs')
    .description(
      'Reprice every stored LLM call on a running Sightline server: it reads its --prices file again, then applies the prices now in force',
    )
    .addOption(serverUrlOption())
    .addOption(apiKeyOption())
    .action(async (opts: { url: string }) => {
      const answer = await callServer<{ calls?: number; changed?: number; duration_ms?: number }>(opts.url, '/api/admin/recompute-costs', {
        method: 'POST',
      });
      if (!answer.ok) fail(errorOf(answer));
      const body = answer.body;
      process.stdout.write(
        `Repriced ${body?.calls?.toLocaleString('en-US')} calls: ${body?.changed?.toLocaleString('en-US')} changed cost (${body?.duration_ms} ms).\n`,
      );
    });
}
