#!/usr/bin/env -S MALLOC_ARENA_MAX=4 GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1048576 node --max-semi-space-size=4
// The `sightline` command. The TypeScript sources are compiled to dist/ by `npm install`
// (the repository's prepare script) or `npm run build`.
// A small young generation (4 MiB semi-spaces instead of up to 16): the server's garbage is
// short-lived request and batch data, and the default adds tens of MiB of RSS for no speed.
// Two malloc arenas for the process's threads instead of up to sixteen on two cores: under
// ingest, 20-30 MiB less RSS (SQLite's pages and the batches handed between threads are
// malloc'd), at the same throughput (measured with bench/llm-spans.ts requests).
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('sightline: not built yet. Run `npm install` (or `npm run build`) at the repository root.\n');
  process.exit(1);
}
const { run } = await import(main.href);
await run(process.argv);
