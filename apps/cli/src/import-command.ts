import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { callServer, errorOf, fail, serverUrlOption } from './server-client.js';

interface ImportAnswer {
  imported_spans?: number;
  rejected_spans?: number;
  message?: string;
  traces?: number;
}

/** Times a busy server (503) is asked again, waiting as it says. */
const RETRIES = 5;

/** `sightline import FILE...`: loads files written by the SDK's JSON file export into a running server. */
export function importCommand(): Command {
  return new Command('import')
    .description('Load files written by the SDK’s JSON file export (flush({ file }), SIGHTLINE_OUT) into a running Sightline server')
    .argument('<files...>', 'export documents (.json)')
    .addOption(serverUrlOption())
    .action(async (files: string[], opts: { url: string }) => {
      let failed = 0;
      for (const file of files) {
        let text: Buffer;
        try {
          text = await readFile(file);
        } catch (err) {
          process.stderr.write(`sightline: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
          failed++;
          continue;
        }
        const answer = await post(opts.url, text);
        if (!answer.ok) {
          process.stderr.write(`sightline: ${file}: ${errorOf(answer)}\n`);
          failed++;
          continue;
        }
        const b = answer.body;
        const rejected = b?.rejected_spans ? `; ${b.rejected_spans} refused: ${b.message}` : '';
        process.stdout.write(`Imported ${b?.imported_spans} spans in ${b?.traces} traces from ${file}${rejected}\n`);
      }
      if (failed) fail(`${failed} of ${files.length} file(s) not imported`);
    });
}

async function post(url: string, body: Buffer) {
  for (let attempt = 0; ; attempt++) {
    const answer = await callServer<ImportAnswer>(url, '/api/import', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    if (answer.status !== 503 || attempt >= RETRIES) return answer;
    await new Promise((r) => setTimeout(r, (answer.retryAfterSeconds ?? 1) * 1000));
  }
}
