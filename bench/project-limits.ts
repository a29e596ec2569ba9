import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { protobufTemplate, templateSpans } from './llm-spans.js';
import { postOtlp } from './otlp-post.js';
import { startServerProcess } from './server-process.js';

/**
 * `npm run bench:limits`: does a project over its rate limit slow another down? A server with
 * keys required; project "free" (no limit) sends LLM spans at full speed alone, then again
 * while project "limited" (LIMIT spans/s) sends at full speed too. Prints each project's
 * accepted spans per second and the refusals.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const LIMIT = 2_000;
const CONCURRENCY = 8;
const ADMIN_KEY = 'admin-key-of-the-limits-benchmark';

const dir = mkdtempSync(join(tmpdir(), 'sightline-bench-limits-'));
const server = await startServerProcess(['--db', join(dir, 'bench.db'), '--auth', 'on'], [], { SIGHTLINE_ADMIN_KEY: ADMIN_KEY });
const template = protobufTemplate(templateSpans(512));
let n = 1;

async function admin(path: string, body: unknown): Promise<{ key?: string }> {
  const res = await fetch(server.api + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { key?: string };
}

interface Tally {
  spans: number;
  refused429: number;
  refused503: number;
}

/**
 * Sends at full speed with `key` for `ms`, CONCURRENCY requests in flight; waits out
 * Retry-After as an exporter does, unless `hostile` (then it sends again at once).
 */
async function sendFor(key: string, ms: number, hostile = false): Promise<Tally> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const url = `${server.otlpHttp}/v1/traces`;
  const tally: Tally = { spans: 0, refused429: 0, refused503: 0 };
  const until = Date.now() + ms;
  const post = (body: Buffer) => postOtlp(url, body, agent, { Authorization: `Bearer ${key}` });
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      // A flood resends one body: the client spends its time sending, not building requests.
      const same = template.body(n++);
      while (Date.now() < until) {
        const { status, retryAfter } = await post(hostile ? same : template.body(n++));
        if (status === 200) tally.spans += template.spans;
        else if (status === 429) {
          tally.refused429++;
          if (!hostile) await new Promise((r) => setTimeout(r, Math.min((retryAfter ?? 0) * 1000, Math.max(0, until - Date.now()))));
        } else if (status === 503) {
          tally.refused503++;
          await new Promise((r) => setTimeout(r, 100));
        } else throw new Error(`unexpected status ${status}`);
      }
    }),
  );
  agent.destroy();
  return tally;
}

try {
  await admin('/api/projects', { name: 'limited', spans_per_second: LIMIT });
  const free = (await admin('/api/keys', { project: 'free' })).key as string;
  const limited = (await admin('/api/keys', { project: 'limited' })).key as string;
  await sendFor(free, 2_000); // warm up
  const cpu = async <T>(work: Promise<T>): Promise<[T, number]> => {
    const before = server.cpuSeconds();
    const result = await work;
    return [result, server.cpuSeconds() - before];
  };
  const [alone, aloneCpu] = await cpu(sendFor(free, SECONDS * 1000));
  const [[together, capped], togetherCpu] = await cpu(Promise.all([sendFor(free, SECONDS * 1000), sendFor(limited, SECONDS * 1000)]));
  const [[flooded, flood], floodCpu] = await cpu(Promise.all([sendFor(free, SECONDS * 1000), sendFor(limited, SECONDS * 1000, true)]));
  console.log(
    `server CPU seconds per phase: alone ${aloneCpu.toFixed(1)}, beside a polite "limited" ${togetherCpu.toFixed(1)}, beside one ignoring Retry-After ${floodCpu.toFixed(1)}`,
  );
  const rate = (t: Tally) => Math.round(t.spans / SECONDS).toLocaleString('en-US');
  console.log(`project limits, ${SECONDS} s per phase, ${CONCURRENCY} connections per project, 512 LLM spans per request, keys required`);
  console.log(`  "free" alone                       ${rate(alone)} spans/s  (503: ${alone.refused503})`);
  console.log(`  "free" beside "limited"            ${rate(together)} spans/s  (503: ${together.refused503})`);
  console.log(
    `  "limited" (${LIMIT.toLocaleString('en-US')} spans/s)          ${rate(capped)} spans/s accepted, ${capped.refused429} requests refused 429`,
  );
  console.log(
    `  "free" beside / alone              ${((together.spans / alone.spans) * 100).toFixed(1)}%  (both together: ${rate({ ...together, spans: together.spans + capped.spans })} spans/s)`,
  );
  console.log(
    `  "free" beside "limited" ignoring Retry-After  ${rate(flooded)} spans/s  (${((flooded.spans / alone.spans) * 100).toFixed(1)}% of alone)`,
  );
  console.log(
    `  "limited" ignoring Retry-After     ${rate(flood)} spans/s accepted, ${flood.refused429.toLocaleString('en-US')} requests refused 429`,
  );
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
