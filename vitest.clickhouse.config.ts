import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The API, UI and CLI tests once more with the server on ClickHouse (chdb, in-process): each
// test server opens a fresh ClickHouse instead of a SQLite file (see test/support/test-server.ts).
// Not among them: files that test SQLite itself (its file, lock, damage, durability), work on the
// SQLite file beside a server (keys --db), or run two servers at once (one chdb per process).
export const CLICKHOUSE_SUITES = [
  'trace-api',
  'llm-api',
  'dashboard-api',
  'search-api',
  'project-isolation',
  'otlp-metrics',
  'otlp-grpc',
  'otlp-fixtures',
  'llm-fixtures',
  'import',
  'cli-query',
  'live',
  'retention-and-deletion',
  'langfuse-otel',
  'llama-stack',
  'deep-trees',
  'web-ui-e2e',
];

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: CLICKHOUSE_SUITES.map((name) => `apps/server/test/${name}.test.ts`),
    env: { SIGHTLINE_TEST_STORAGE: 'clickhouse' },
  },
});
