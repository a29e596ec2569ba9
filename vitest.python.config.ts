import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// `npm run test:python`: the Python client test, which needs a virtualenv with the packages in
// testing/python/requirements.txt (.ci/run makes one) named by SIGHTLINE_PYTHON.
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['apps/server/test/python/**/*.test.ts'], exclude: ['**/node_modules/**'] },
});
