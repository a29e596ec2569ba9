import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

/** The built package loads both ways, as an app would load it (run from the repository, so `@sightline/sdk` resolves). */
const root = fileURLToPath(new URL('../../..', import.meta.url));
const probe = `const s = SDK; const sdk = s.init({ exporter: 'memory', autoInstrument: false });
const f = s.observe((x) => x * 2, { name: 'double' });
f(21); sdk.flush().then(() => { console.log(JSON.stringify({ keys: Object.keys(s).sort(), spans: sdk.memory.spans.map((x) => x.name) })); return sdk.shutdown(); });`;

const run = (args: string[]) => JSON.parse(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }));

it('imports as ESM and requires as CommonJS, with type declarations for both', () => {
  const esm = run(['--input-type=module', '-e', `import * as SDK from '@sightline/sdk'; ${probe}`]);
  const cjs = run(['-e', `const SDK = require('@sightline/sdk'); ${probe}`]);
  for (const r of [esm, cjs]) {
    expect(r.spans).toEqual(['double']);
    expect(r.keys).toEqual(
      expect.arrayContaining([
        'init',
        'instrument',
        'uninstrument',
        'observe',
        'session',
        'withSession',
        'setLabels',
        'addLabel',
        'removeLabel',
        'getLabels',
        'MemoryExporter',
      ]),
    );
  }
  for (const d of ['esm', 'cjs']) expect(existsSync(fileURLToPath(new URL(`../dist/${d}/index.d.ts`, import.meta.url)))).toBe(true);
});
