import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeTracesJson, decodeTracesProto } from '@sightline/core';
import { SqliteStorage } from '@sightline/storage-sqlite';
import { encodeBatch } from '../packages/storage-sqlite/src/encode-batch.js';
import { jsonTemplate, protobufTemplate, templateSpans } from './llm-spans.js';
import { fmt } from './stats.js';

/** Where ingest time goes, per stage, in one process (no HTTP). */
const spans = templateSpans(512);
const proto = protobufTemplate(spans);
const json = jsonTemplate(spans);
const N = 200;
const bodies = Array.from({ length: N }, (_, i) => proto.body(i + 1));
const jbodies = Array.from({ length: N }, (_, i) => json.body(i + 1).toString());
const rate = (label: string, count: number, ms: number) =>
  console.log(`  ${label.padEnd(36)} ${fmt((count / ms) * 1000, 0).padStart(10)} spans/s  (${fmt((ms * 1000) / count, 2)} µs/span)`);

let t = performance.now();
const decoded = bodies.map((b) => decodeTracesProto(b));
rate('decode protobuf', N * 512, performance.now() - t);
t = performance.now();
for (const b of jbodies) decodeTracesJson(b);
rate('decode JSON', N * 512, performance.now() - t);
t = performance.now();
for (const d of decoded) encodeBatch([{ project: 'default', spans: d.spans }]);
rate('encode rows (typed JSON etc.)', N * 512, performance.now() - t);
const dir = mkdtempSync(join(tmpdir(), 'sightline-micro-'));
const store = new SqliteStorage({ path: join(dir, 'x.db') });
t = performance.now();
for (const d of decoded) await store.write([{ project: 'default', spans: d.spans }]);
rate('SQLite write (rows + commit)', N * 512, performance.now() - t);
await store.close();
rmSync(dir, { recursive: true, force: true });
