export { openApiDocument } from './api/openapi.js';
export { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS } from './http/connection-limits.js';
export { WebUi } from './http/web-ui.js';
export { consoleLogger, type Logger, silentLogger } from './log.js';
export { Pricing } from './pricing/pricing.js';
export { type Listener, PortInUseError, type RunningServer, type ServerOptions, startServer } from './server.js';
export { damageAdvice } from './storage-damage.js';
export { DEFAULT_DB_PATH, openStorage, type StorageKind, type StorageOptions } from './storage-factory.js';
export { VERSION } from './version.js';
