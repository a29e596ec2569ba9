import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connectClickHouse } from '@sightline/storage-clickhouse';
import { protobufTemplate, templateSpans } from './llm-spans.js';
import { httpLoad } from './load.js';
import { startServerProcess } from './server-process.js';
import { fmt } from './stats.js';

/**
 * The least CPU the in-process ClickHouse engine (chdb) spends to store a span, whatever the
 * collector does: a `sightline serve --storage clickhouse` is filled over OTLP/HTTP as in
 * `npm run bench -- --storage clickhouse`, stopped, and its three ingest tables are then
 * written again from inside the engine — rows copied to a Memory table first, then inserted
 * `--block` spans' worth at a time with INSERT … SELECT, so no input format is parsed and no
 * row crosses into JavaScript. The CPU of the process (the engine's threads included) over
 * the inserts and `--settle` seconds of merges after them, less reading the Memory copy, is
 * the engine's own cost per span; two cores divided by it bound ingest from above.
 */
const { values: opts } = parseArgs({
  options: {
    requests: { type: 'string', default: '100' },
    block: { type: 'string', default: '2048' },
    settle: { type: 'string', default: '5' },
  },
});
const PER_REQUEST = 512;
const REQUESTS = Number(opts.requests);
const BLOCK = Number(opts.block);
const SETTLE_MS = Number(opts.settle) * 1000;

const dir = mkdtempSync(join(tmpdir(), 'sightline-engine-floor-'));
const data = join(dir, 'clickhouse');
const proto = protobufTemplate(templateSpans(PER_REQUEST));
console.log(`ClickHouse (chdb) engine floor — ${new Date().toISOString()}; data in ${data}`);

const server = await startServerProcess(['--storage', 'clickhouse', '--clickhouse-path', data]);
const cpu0 = server.cpuSeconds();
const filled = await httpLoad(`${server.otlpHttp}/v1/traces`, 'application/x-protobuf', proto, REQUESTS, 4);
console.log(
  `  filled through the collector: ${filled.spans.toLocaleString()} spans at ${fmt(filled.spansPerSecond, 0)} spans/s (server CPU ${fmt(((server.cpuSeconds() - cpu0) / filled.spans) * 1e6, 1)} µs/span)`,
);
await server.stop();

const client = await connectClickHouse({ chdbPath: data });
const processCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const command = (query: string) => client.command({ query });
const spans = filled.spans;
let total = 0;
try {
  console.log(`  inserted again from inside the engine, ${BLOCK.toLocaleString()} spans' rows per insert (CPU per span stored):`);
  for (const table of ['spans', 'span_search', 'llm_calls']) {
    const rows = Number(
      (
        (await (await client.query({ query: `SELECT count() AS n FROM ${table} FINAL`, format: 'JSONEachRow' })).json()) as { n: string }[]
      )[0]?.n,
    );
    const block = Math.max(1, Math.round((BLOCK * rows) / spans));
    await command(`CREATE TABLE floor_source ENGINE = Memory AS SELECT * FROM ${table} FINAL`);
    await command(`CREATE TABLE floor_copy AS ${table}`);
    const c0 = processCpu();
    for (let at = 0; at < rows; at += block) await command(`INSERT INTO floor_copy SELECT * FROM floor_source LIMIT ${block} OFFSET ${at}`);
    const c1 = processCpu();
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const c2 = processCpu();
    for (let at = 0; at < rows; at += block)
      await client
        .query({ query: `SELECT count() FROM (SELECT * FROM floor_source LIMIT ${block} OFFSET ${at})`, format: 'JSONEachRow' })
        .then((r) => r.json());
    const reading = processCpu() - c2;
    const perSpan = ((c2 - c0 - reading) / spans) * 1e6;
    total += perSpan;
    console.log(
      `    ${table.padEnd(12)} ${rows.toLocaleString().padStart(8)} rows  ${fmt(perSpan, 1).padStart(6)} µs/span (inserts ${fmt(((c1 - c0) / spans) * 1e6, 1)}, merges within ${SETTLE_MS / 1000} s ${fmt(((c2 - c1) / spans) * 1e6, 1)}, less reading the copy ${fmt((reading / spans) * 1e6, 1)})`,
    );
    await command('DROP TABLE floor_source');
    await command('DROP TABLE floor_copy');
  }
  console.log(
    `  engine alone: ${fmt(total, 1)} µs of CPU per span; on 2 cores at most ${fmt(2e6 / total, 0)} spans/s before any decoding, pricing or format parsing`,
  );
} finally {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
}
