// dist/cjs holds CommonJS: tell Node so (the package itself is "type": "module").
import { mkdirSync, writeFileSync } from 'node:fs';

const dir = new URL('../dist/cjs/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('package.json', dir), '{ "type": "commonjs" }\n');
