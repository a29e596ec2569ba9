import { Command, Option } from 'commander';

/** `sightline recompute-costs`: asks a running server to reprice every stored call. */
export function recomputeCostsCommand(): Command {
  return new Command('recompute-costs')
    .description(
      'Reprice every stored LLM call on a running Sightline server: it reads its --prices file again, then applies the prices now in force',
    )
    .addOption(
      new Option('--url <url>', 'the server’s API address')
        .env('SIGHTLINE_URL')
        .default(`http://127.0.0.1:${process.env.SIGHTLINE_PORT ?? 4800}`),
    )
    .action(async (opts: { url: string }) => {
      const url = `${opts.url.replace(/\/+$/, '')}/api/admin/recompute-costs`;
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST' });
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
        fail(`no Sightline server answers at ${opts.url} (${cause}). Start one with "sightline serve", or give its address with --url.`);
      }
      const body = (await res.json().catch(() => null)) as {
        calls?: number;
        changed?: number;
        duration_ms?: number;
        error?: { message?: string };
      } | null;
      if (!res.ok) fail(body?.error?.message ?? `the server answered HTTP ${res.status}`);
      process.stdout.write(
        `Repriced ${body?.calls?.toLocaleString('en-US')} calls: ${body?.changed?.toLocaleString('en-US')} changed cost (${body?.duration_ms} ms).\n`,
      );
    });
}

function fail(message: string): never {
  process.stderr.write(`sightline: ${message}\n`);
  process.exit(1);
}
