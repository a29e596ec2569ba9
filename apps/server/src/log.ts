/** Where the server reports what it does. One line per event. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

/** Writes `time level message` lines to stderr. */
export function consoleLogger(): Logger {
  const line = (level: string, message: string) => process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} ${message}\n`);
  return {
    info: (m) => line('info', m),
    warn: (m) => line('warn', m),
    error: (m, err) => line('error', err instanceof Error ? `${m}: ${err.stack ?? err.message}` : m),
  };
}

/** Discards everything (tests). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
