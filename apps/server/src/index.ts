export { openApiDocument } from './api/openapi.js';
export type { AuthMode } from './auth/authenticator.js';
export { type CreatedKey, KeyAdmin } from './auth/key-admin.js';
export { createdKeyJson, keyJson, parseProjectSettings, projectJson } from './auth/project-json.js';
export { isLoopback } from './http/browser-guard.js';
export { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS } from './http/connection-limits.js';
export { HttpError } from './http/http-error.js';
export { WebUi } from './http/web-ui.js';
export { consoleLogger, type Logger, silentLogger } from './log.js';
export { Pricing } from './pricing/pricing.js';
export {
  type AuthSetting,
  authModeOf,
  type Listener,
  PortInUseError,
  type RunningServer,
  type ServerOptions,
  startServer,
} from './server.js';
export { damageAdvice } from './storage-damage.js';
export { CLICKHOUSE_WHERE, DEFAULT_DB_PATH, openStorage, type StorageKind, type StorageOptions } from './storage-factory.js';
export { VERSION } from './version.js';
