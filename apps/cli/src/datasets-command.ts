import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Command } from 'commander';
import { apiKeyOption, authHeaders, callServer, errorOf, fail, noAnswer, projectOption, serverUrlOption } from './server-client.js';

/**
 * `sightline datasets`: the datasets a running server keeps (spans saved with Llama Stack's
 * `spans/export`), and `sightline datasets export <name>` to write one out as JSON lines.
 */
export function datasetsCommand(): Command {
  const datasets = new Command('datasets').description(
    'The datasets a running Sightline server keeps (spans saved by Llama Stack’s spans/export): list them, or export one as JSON lines',
  );
  datasets
    .command('list', { isDefault: true })
    .description('List the datasets with their row counts (what `sightline datasets` alone does)')
    .addOption(serverUrlOption())
    .addOption(apiKeyOption())
    .addOption(projectOption())
    .action(async (opts: { url: string }) => {
      const answer = await callServer<{ data?: { name: string; row_count: number }[] }>(opts.url, '/api/datasets', { method: 'GET' });
      if (!answer.ok) fail(errorOf(answer));
      const rows = answer.body?.data ?? [];
      if (rows.length === 0) {
        process.stdout.write('No datasets yet: save spans to one with Llama Stack’s POST /v1/telemetry/spans/export.\n');
        return;
      }
      const width = Math.max(4, ...rows.map((d) => d.name.length));
      process.stdout.write(`${'NAME'.padEnd(width)}  ROWS\n`);
      for (const d of rows) process.stdout.write(`${d.name.padEnd(width)}  ${d.row_count.toLocaleString('en-US')}\n`);
    });
  datasets
    .command('export <name>')
    .description('Write a dataset’s rows as JSON lines, one row per line, to standard output or --out')
    .option('-o, --out <file>', 'write to this file instead of standard output')
    .addOption(serverUrlOption())
    .addOption(apiKeyOption())
    .addOption(projectOption())
    .action(async (name: string, opts: { url: string; out?: string }) => {
      let res: Response;
      try {
        res = await fetch(`${opts.url}/api/datasets/${encodeURIComponent(name)}`, { headers: authHeaders() });
      } catch (err) {
        fail(noAnswer(opts.url, err));
      }
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        fail(body?.error?.message ?? `the server answered HTTP ${res.status}`);
      }
      await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), opts.out ? createWriteStream(opts.out) : process.stdout);
    });
  return datasets;
}
