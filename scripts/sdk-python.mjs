#!/usr/bin/env node
// `npm run test:sdk-python` / `npm run bench:sdk-python`: the Python SDK's pytest suite or its
// overhead benchmark, with the virtualenv named by SIGHTLINE_PYTHON_SDK (else .venv-python-sdk,
// which `.ci/run` makes from testing/python/sdk-requirements.txt).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const python = process.env.SIGHTLINE_PYTHON_SDK || join(root, '.venv-python-sdk', 'bin', 'python');
const [what, ...rest] = process.argv.slice(2);

if (!existsSync(python)) {
  console.error(`no Python for the SDK at ${python}. Make one:
  python3 -m venv .venv-python-sdk && .venv-python-sdk/bin/pip install -r testing/python/sdk-requirements.txt -e sdks/python
(or name another with SIGHTLINE_PYTHON_SDK)`);
  process.exit(2);
}
const importable = spawnSync(python, ['-c', 'import sightline'], { cwd: root, stdio: 'ignore' });
if (importable.status !== 0) {
  console.error(`the sightline package is not installed in ${python}: ${python} -m pip install -e sdks/python`);
  process.exit(2);
}
const args = what === 'test' ? ['-m', 'pytest', '-q', ...rest] : what === 'bench' ? [join('bench', 'overhead.py'), ...rest] : null;
if (!args) {
  console.error('usage: node scripts/sdk-python.mjs test|bench [arguments]');
  process.exit(2);
}
const run = spawnSync(python, args, { cwd: join(root, 'sdks', 'python'), stdio: 'inherit' });
process.exit(run.status ?? 1);
