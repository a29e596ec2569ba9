export { ClickHouseAccess } from './clickhouse-access.js';
export { ClickHouseSpans } from './clickhouse-spans.js';
export { type ClickHouseTarget, connectClickHouse } from './connect.js';
export { MIGRATIONS, migrate, SCHEMA_VERSION } from './schema/migrations.js';
