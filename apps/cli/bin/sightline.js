#!/usr/bin/env node
// The `sightline` command. The TypeScript sources are compiled to dist/ by `npm install`
// (the repository's prepare script) or `npm run build`.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('sightline: not built yet. Run `npm install` (or `npm run build`) at the repository root.\n');
  process.exit(1);
}
const { run } = await import(main.href);
await run(process.argv);
