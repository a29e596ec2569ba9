import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { splitDocument } from './import-batches.js';
import { callServer, errorOf, fail, type ServerAnswer, serverUrlOption } from './server-client.js';

interface ImportAnswer {
  imported_spans?: number;
  rejected_spans?: number;
  message?: string;
  traces?: number;
}

/** Times a busy server (503) is asked again, waiting as it says. */
const RETRIES = 5;
/** Files larger than this go in several requests of whole traces (the server's default limit is 20 MiB). */
const REQUEST_BYTES = 8 * 1024 * 1024;

/** `sightline import FILE...`: loads files written by the SDK's JSON file export into a running server. */
export function importCommand(): Command {
  return new Command('import')
    .description('Load files written by the SDK’s JSON file export (flush({ file }), SIGHTLINE_OUT) into a running Sightline server')
    .argument('<files...>', 'export documents (.json)')
    .addOption(serverUrlOption())
    .action(async (files: string[], opts: { url: string }) => {
      let failed = 0;
      for (const file of files) {
        const problem = await importFile(file, opts.url);
        if (problem === null) continue;
        process.stderr.write(`sightline: ${problem}\n`);
        failed++;
      }
      if (failed) fail(`${failed} of ${files.length} file(s) not imported`);
    });
}

/** Imports one file, reporting it on stdout; returns what went wrong, or null. */
async function importFile(file: string, url: string): Promise<string | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    return `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  let bodies: (Buffer | string)[] = [bytes];
  if (bytes.length > REQUEST_BYTES) {
    let doc: unknown;
    try {
      doc = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      return `${file} is not valid JSON: ${(err as Error).message}`;
    }
    if (doc && typeof doc === 'object' && !Array.isArray(doc))
      bodies = splitDocument(doc as Record<string, unknown>, REQUEST_BYTES).map((d) => JSON.stringify(d));
  }
  const total = { imported: 0, rejected: 0, traces: 0, messages: [] as string[] };
  for (const body of bodies) {
    const answer = await post(url, body);
    if (!answer.ok) {
      const done = total.imported ? ` (${total.imported} spans were imported before this)` : '';
      return `${file}: ${errorOf(answer)}${done}`;
    }
    total.imported += answer.body?.imported_spans ?? 0;
    total.rejected += answer.body?.rejected_spans ?? 0;
    total.traces += answer.body?.traces ?? 0;
    if (answer.body?.message) total.messages.push(answer.body.message);
  }
  const rejected = total.rejected ? `; ${total.rejected} refused: ${total.messages.join('; ')}` : '';
  process.stdout.write(`Imported ${total.imported} spans in ${total.traces} traces from ${file}${rejected}\n`);
  return null;
}

async function post(url: string, body: Buffer | string): Promise<ServerAnswer<ImportAnswer>> {
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
