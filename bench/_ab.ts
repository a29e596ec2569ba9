import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { protobufTemplate, templateSpans } from './llm-spans.js';
import { httpLoad } from './load.js';
import { startServerProcess } from './server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ab-'));
const proto = protobufTemplate(templateSpans(512));
const on = await startServerProcess(['--db', join(dir, 'on.db')]);
const off = await startServerProcess(['--db', join(dir, 'off.db'), '--no-llm-calls']);
const rounds = Number(process.argv[2] ?? 6),
  per = Number(process.argv[3] ?? 60);
const acc: Record<string, { spans: number; s: number; cpu: number }> = { on: { spans: 0, s: 0, cpu: 0 }, off: { spans: 0, s: 0, cpu: 0 } };
for (const t of [on, off]) await httpLoad(`${t.otlpHttp}/v1/traces`, 'application/x-protobuf', proto, 40, 4);
for (let r = 0; r < rounds; r++)
  for (const [name, t] of [
    ['off', off],
    ['on', on],
  ] as const) {
    const c0 = t.cpuSeconds();
    const res = await httpLoad(`${t.otlpHttp}/v1/traces`, 'application/x-protobuf', proto, per, 4);
    acc[name]!.spans += res.spans;
    acc[name]!.s += res.seconds;
    acc[name]!.cpu += t.cpuSeconds() - c0;
  }
for (const [k, v] of Object.entries(acc))
  console.log(k, Math.round(v.spans / v.s), 'spans/s', ((v.cpu / v.spans) * 1e6).toFixed(1), 'µs/span');
console.log(
  'ratio',
  ((acc.on!.spans / acc.on!.s / (acc.off!.spans / acc.off!.s)) * 100).toFixed(1) + '%',
  'RSS on',
  on.peakRssMiB().toFixed(0),
  'off',
  off.peakRssMiB().toFixed(0),
);
await on.stop();
await off.stop();
rmSync(dir, { recursive: true, force: true });
