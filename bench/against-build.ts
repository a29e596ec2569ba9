import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { protobufTemplate, templateSpans } from './llm-spans.js';
import { httpLoad } from './load.js';
import { type ServerProcess, startServerProcess, threadSplit } from './server-process.js';
import { fmt } from './stats.js';

/**
 * `npm run bench:against`: this build's ingest, with and without the search index, against
 * another build's, in the same run — by default the build of 2026-11-23 (8fdda65), the last
 * before the web UI, free-text search and the reliability work: the "today's" throughput the
 * web UI's target (indexing on ≥ 90% of it) was set against.
 *
 * The other build is taken from git (`git archive`, so this needs the repository's history),
 * installed with `npm install` and built in `--dir` (kept there, and used again by later
 * runs). Three fresh servers, each as a user runs it (its own launcher), take the same
 * OTLP/HTTP protobuf load as `npm run bench` in interleaved rounds, which of them goes first
 * turning each round.
 */
const { values: opts } = parseArgs({
  options: {
    ref: { type: 'string', default: '8fdda6518f175eaf8fed5c7597dba1cf8916081d' },
    dir: { type: 'string' },
    rounds: { type: 'string', default: '6' },
    requests: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '4' },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  console.log(`npm run bench:against -- [--ref COMMIT] [--dir DIR] [--rounds N] [--requests N] [--concurrency N]

Ingest throughput of this build, with and without the search index, against another build's
(default: 8fdda65, 2026-11-23), measured in one run on fresh servers in interleaved rounds.
  --ref COMMIT       the other build (default 8fdda65)
  --dir DIR          where it is installed and built (default: $TMPDIR/sightline-build-<commit>; kept for later runs)
  --rounds N         interleaved rounds (default 6)
  --requests N       requests of 512 spans per server per round (default 100)
  --concurrency N    requests in flight (default 4)`);
  process.exit(0);
}

const ROUNDS = Number(opts.rounds);
const ROUND = Number(opts.requests);
const CONCURRENCY = Number(opts.concurrency);
const WARM = 40;

const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
const commit = (() => {
  try {
    return git('rev-parse', '--verify', '--quiet', `${opts.ref}^{commit}`);
  } catch {
    console.error(
      `bench:against: no commit ${opts.ref} in this repository (a shallow clone lacks it: \`git fetch --unshallow\`), or pass --ref; \`npm run bench -- --skip-against\` leaves this part out`,
    );
    process.exit(1);
  }
})();
const short = commit.slice(0, 7);
const buildDir = opts.dir ?? join(tmpdir(), `sightline-build-${short}`);
const otherBin = join(buildDir, 'apps/cli/bin/sightline.js');

/** Installs and builds the other commit in `buildDir`, unless a finished build is there already. */
function buildOther(): void {
  const done = join(buildDir, '.sightline-built');
  if (existsSync(done)) {
    console.log(`  ${short}: the build in ${buildDir}`);
    return;
  }
  console.log(`  ${short}: installing and building in ${buildDir} (npm install, a few minutes) …`);
  rmSync(buildDir, { recursive: true, force: true });
  mkdirSync(buildDir, { recursive: true });
  const archive = join(buildDir, '.source.tar');
  git('archive', '--format=tar', '-o', archive, commit);
  execFileSync('tar', ['-xf', archive, '-C', buildDir]);
  rmSync(archive);
  // The install runs the build (the repository's `prepare` script).
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: buildDir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  writeFileSync(done, `${commit}\n`);
}

console.log(`Ingest against another build — ${new Date().toISOString()}`);
console.log(`  this build: ${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain') ? ' (with uncommitted changes)' : ''}`);
buildOther();

const spans = templateSpans(512);
const requestsInRun = 3 * (WARM + ROUNDS * ROUND);
const proto = protobufTemplate(spans, requestsInRun);
const dir = mkdtempSync(join(tmpdir(), 'sightline-against-'));

/** A server's rounds added up: spans acknowledged, seconds taken, and CPU seconds in all and by thread id. */
interface Tally {
  spans: number;
  seconds: number;
  cpu: number;
  threads: Map<number, number>;
}
const entries: { name: string; server: ServerProcess; tally: Tally }[] = [];
const add = (name: string, server: ServerProcess) =>
  entries.push({ name, server, tally: { spans: 0, seconds: 0, cpu: 0, threads: new Map() } });

try {
  add(`${short}, LLM calls (no search index yet)`, await startServerProcess(['--db', join(dir, 'other.db')], [], {}, otherBin));
  add('this build, search index on', await startServerProcess(['--db', join(dir, 'indexed.db')]));
  add('this build, --no-search-index', await startServerProcess(['--db', join(dir, 'unindexed.db'), '--no-search-index']));
  const load = (server: ServerProcess, requests: number) =>
    httpLoad(`${server.otlpHttp}/v1/traces`, 'application/x-protobuf', proto, requests, CONCURRENCY);
  for (const { server } of entries) await load(server, WARM);
  console.log(
    `  ${ROUNDS} interleaved rounds of ${ROUND} requests × 512 spans per server, OTLP/HTTP protobuf, ${CONCURRENCY} in flight; SQLite files in ${dir}\n`,
  );
  for (let r = 0; r < ROUNDS; r++) {
    // Which server goes first turns each round, so none always follows another's load.
    const order = entries.map((_, i) => entries[(i + r) % entries.length] as (typeof entries)[number]);
    for (const { server, tally } of order) {
      const cpu = server.cpuSeconds();
      const threads = server.threadCpuSeconds();
      const result = await load(server, ROUND);
      tally.spans += result.spans;
      tally.seconds += result.seconds;
      tally.cpu += server.cpuSeconds() - cpu;
      for (const [tid, seconds] of server.threadCpuSeconds())
        tally.threads.set(tid, (tally.threads.get(tid) ?? 0) + seconds - (threads.get(tid) ?? 0));
    }
  }
  const rate = (t: Tally) => t.spans / t.seconds;
  for (const { name, server, tally } of entries) {
    const split = threadSplit(new Map(), tally.threads, server.proc.pid ?? 0, tally.spans);
    console.log(
      `  ${name.padEnd(40)} ${fmt(rate(tally), 0).padStart(8)} spans/s  (server CPU ${fmt((tally.cpu / tally.spans) * 1e6, 1)} µs/span: main thread ${fmt(split.main, 1)}, writer ${fmt(split.busiest, 1)}, other threads ${fmt(split.rest, 1)}; RSS peak ${fmt(server.peakRssMiB(), 0)} MiB)`,
    );
  }
  const [other, indexed, unindexed] = entries.map((e) => rate(e.tally)) as [number, number, number];
  console.log(`\n  search index on vs ${short}:              ${fmt((indexed / other) * 100, 1)}% (target ≥ 90%)`);
  console.log(`  search index on vs this build without it: ${fmt((indexed / unindexed) * 100, 1)}%`);
} finally {
  for (const { server } of entries) await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
