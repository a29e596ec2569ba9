export { ClickHouseAccess } from './clickhouse-access.js';
export { ClickHouseStorage, type ClickHouseStorageOptions, openClickHouseStorage } from './clickhouse-storage.js';
export { type ClickHouseTarget, connectClickHouse } from './connect.js';
export { MIGRATIONS, migrate, SCHEMA_VERSION, type SchemaTarget, schemaStatements } from './schema/migrations.js';
