export { checkDatabase, type DatabaseCheck, type DatabaseCheckOptions } from './check-database.js';
export { DatabaseInUseError } from './database-lock.js';
export { type OpenedAccess, openAccess } from './open-access.js';
export { SCHEMA_VERSION } from './schema/migrations.js';
export { SqliteStorage, type SqliteStorageOptions } from './sqlite-storage.js';
export { WriterError } from './writer-client.js';
