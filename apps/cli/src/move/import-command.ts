import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { apiKeyOption, callServer, errorOf, fail, projectOption, type ServerAnswer, serverUrlOption } from '../server-client.js';
import { Progress } from '../terminal/progress.js';
import { splitDocument } from './import-batches.js';
import { isOtlpJson, mergeRequests, otlpRequests, spansIn } from './otlp-lines.js';

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
    .description(
      'Load files into a running Sightline server: what sightline export writes (OTLP/JSON, one request per line), the SDK’s JSON file export (flush({ file }), SIGHTLINE_OUT), or an OTLP/JSON request. Spans already stored are stored once.',
    )
    .argument('<files...>', 'files to load (.jsonl, .json)')
    .addOption(serverUrlOption())
    .addOption(apiKeyOption())
    .addOption(projectOption())
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
  const text = bytes.toString('utf8');
  if (text.trim() === '') return `${file} is empty`;
  if (isOtlpJson(text)) return importOtlp(file, text, url);
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

interface OtlpAnswer {
  partialSuccess?: { rejectedSpans?: string; errorMessage?: string };
}

/** Imports OTLP/JSON trace requests through `POST /v1/traces`, a few MiB at a time, with a progress bar. */
async function importOtlp(file: string, text: string, url: string): Promise<string | null> {
  const requests = otlpRequests(text);
  const bodies = mergeRequests(requests, REQUEST_BYTES);
  const progress = new Progress(`Importing ${file}`, bodies.length, 'requests');
  let spans = 0;
  let rejected = 0;
  const messages: string[] = [];
  for (let i = 0; i < bodies.length; i++) {
    const body = bodies[i] as string;
    const answer = await post<OtlpAnswer>(url, body, '/v1/traces');
    if (!answer.ok) {
      progress.done();
      const done = spans ? ` (${spans} spans were imported before this)` : '';
      return `${file}: ${errorOf(answer)}${done}`;
    }
    const refused = Number(answer.body?.partialSuccess?.rejectedSpans ?? 0);
    spans += spansIn(body) - refused;
    rejected += refused;
    if (answer.body?.partialSuccess?.errorMessage) messages.push(answer.body.partialSuccess.errorMessage);
    progress.update(i + 1);
  }
  progress.done();
  const note = rejected ? `; ${rejected} refused: ${messages.join('; ')}` : '';
  process.stdout.write(
    `Sent ${spans.toLocaleString('en-US')} spans (${requests.length} OTLP ${requests.length === 1 ? 'request' : 'requests'}) from ${file}${note}; a span already stored is kept once\n`,
  );
  return null;
}

async function post<T = ImportAnswer>(url: string, body: Buffer | string, path = '/api/import'): Promise<ServerAnswer<T>> {
  for (let attempt = 0; ; attempt++) {
    const answer = await callServer<T>(url, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    if (answer.status !== 503 || attempt >= RETRIES) return answer;
    await new Promise((r) => setTimeout(r, (answer.retryAfterSeconds ?? 1) * 1000));
  }
}
