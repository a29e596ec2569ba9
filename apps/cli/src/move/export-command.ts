import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { Command, Option } from 'commander';
import { type FilterOptions, filterParams, withFilters } from '../query/filter-options.js';
import { apiKeyOption, callServer, errorOf, fail, projectOption, serverUrlOption } from '../server-client.js';
import { Progress } from '../terminal/progress.js';

type Format = 'otlp-json' | 'jsonl' | 'sightline';

interface ExportOptions extends FilterOptions {
  format: Format;
  out?: string;
  name?: string;
}

/** Trace ids read per page of the trace list. */
const PAGE = 1000;

/** `sightline export`: traces of a running server to a file or stdout. */
export function exportCommand(): Command {
  const command = new Command('export')
    .description('Write the traces of a running Sightline server (a time range, filters) to a file or standard output')
    .addOption(serverUrlOption())
    .addOption(apiKeyOption())
    .addOption(projectOption())
    .addOption(
      new Option(
        '--format <format>',
        'otlp-json: one OTLP/JSON request per trace and line, which sightline import (and any OTLP receiver) takes back; jsonl: one span per line as the API gives it; sightline: the SDK’s export document (one service)',
      )
        .choices(['otlp-json', 'jsonl', 'sightline'])
        .default('otlp-json'),
    )
    .option('-o, --out <file>', 'write to this file instead of standard output')
    .option('--name <span name>', 'only traces with a span of this name');
  withFilters(command, ['since', 'until', 'service', 'model', 'provider', 'session', 'user', 'errors', 'search'], false);
  return command
    .addHelpText(
      'after',
      `
Examples:
  sightline export --since 24h -o yesterday.jsonl
  sightline export --session conv-42 --format jsonl | jq .name
  sightline import yesterday.jsonl --url http://other-host:4800`,
    )
    .action(async (o: ExportOptions) => {
      const ids = await traceIds(o);
      const out: NodeJS.WritableStream = o.out ? createWriteStream(o.out) : process.stdout;
      const progress = new Progress('Exporting', ids.length, 'traces');
      let spans = 0;
      const document: Record<string, unknown>[] = [];
      let resource: string | null = null;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i] as string;
        if (o.format === 'otlp-json') {
          const answer = await callServer<Record<string, unknown>>(o.url, `/api/traces/${id}?format=otlp-json`, { method: 'GET' });
          if (!answer.ok || !answer.body) fail(`trace ${id}: ${errorOf(answer)}`);
          spans += countSpans(answer.body);
          await write(out, `${JSON.stringify(answer.body)}\n`);
        } else {
          const answer = await callServer<{ spans: Record<string, unknown>[] }>(o.url, `/api/traces/${id}`, { method: 'GET' });
          if (!answer.ok || !answer.body) fail(`trace ${id}: ${errorOf(answer)}`);
          spans += answer.body.spans.length;
          if (o.format === 'jsonl') for (const s of answer.body.spans) await write(out, `${JSON.stringify(s)}\n`);
          else {
            for (const s of answer.body.spans) {
              const r = JSON.stringify((s.resource as { attributes?: unknown } | undefined)?.attributes ?? {});
              if (resource !== null && r !== resource)
                fail(
                  'the sightline format holds the spans of one service (one resource): choose one with --service, or use --format otlp-json',
                );
              resource = r;
              document.push(s);
            }
          }
        }
        progress.update(i + 1);
      }
      if (o.format === 'sightline') await write(out, `${JSON.stringify(sightlineDocument(document, resource), null, 1)}\n`);
      progress.done();
      if (o.out) {
        (out as WriteStream).end();
        await once(out as WriteStream, 'close');
      }
      process.stderr.write(
        `Exported ${ids.length.toLocaleString('en-US')} traces (${spans.toLocaleString('en-US')} spans)${o.out ? ` to ${o.out}` : ''}\n`,
      );
    });
}

/** The ids of the matching traces, oldest first. */
async function traceIds(o: ExportOptions): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const q = filterParams({ ...o, limit: PAGE });
    if (o.name) q.set('name', o.name);
    q.set('order_by', 'start_time:asc');
    if (cursor) q.set('cursor', cursor);
    const answer = await callServer<{ data: { trace_id: string }[]; next_cursor: string | null }>(o.url, `/api/traces?${q}`, {
      method: 'GET',
    });
    if (!answer.ok || !answer.body) return fail(errorOf(answer));
    for (const t of answer.body.data) ids.push(t.trace_id);
    cursor = answer.body.next_cursor;
  } while (cursor);
  return ids;
}

function countSpans(request: Record<string, unknown>): number {
  let n = 0;
  for (const rs of (request.resourceSpans as { scopeSpans?: { spans?: unknown[] }[] }[]) ?? [])
    for (const ss of rs.scopeSpans ?? []) n += ss.spans?.length ?? 0;
  return n;
}

async function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** API spans as the SDK's export document (format "sightline-export", version 1), which `sightline import` reads. */
function sightlineDocument(spans: Record<string, unknown>[], resource: string | null): Record<string, unknown> {
  const nanos = (iso: unknown) => {
    const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(String(iso));
    return m ? String(BigInt(Date.parse(`${m[1]}Z`)) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0').slice(0, 9))) : '0';
  };
  return {
    format: 'sightline-export',
    version: 1,
    exported_at: new Date().toISOString(),
    resource: { attributes: resource === null ? {} : JSON.parse(resource) },
    sessions: [],
    traces: [],
    spans: spans.map((s) => ({
      trace_id: s.trace_id,
      span_id: s.span_id,
      parent_span_id: s.parent_span_id,
      trace_state: s.trace_state ?? '',
      flags: s.flags ?? 0,
      name: s.name,
      kind: s.kind === 'unspecified' ? 'internal' : s.kind,
      start_time: s.start_time,
      end_time: s.end_time,
      start_time_unix_nano: nanos(s.start_time),
      end_time_unix_nano: nanos(s.end_time),
      duration_ms: s.duration_ms,
      status: s.status,
      attributes: s.attributes,
      events: ((s.events as { name: string; time: string; attributes: unknown }[]) ?? []).map((e) => ({
        name: e.name,
        time_unix_nano: nanos(e.time),
        attributes: e.attributes,
      })),
      links: ((s.links as { trace_id: string; span_id: string; attributes: unknown }[]) ?? []).map((l) => ({
        trace_id: l.trace_id,
        span_id: l.span_id,
        attributes: l.attributes,
      })),
      scope: { name: (s.scope as { name?: string })?.name ?? '', version: (s.scope as { version?: string })?.version ?? '' },
    })),
  };
}
