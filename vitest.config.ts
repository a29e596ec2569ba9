import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources (the
// "@sightline/source" export condition), so unit tests need no build step.
// End-to-end tests that start the `sightline` command run the built output.
const conditions = ['@sightline/source', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@sightline/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    // The Python client test runs on its own (npm run test:python): it needs a Python virtualenv.
    exclude: ['**/node_modules/**', 'apps/server/test/python/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
