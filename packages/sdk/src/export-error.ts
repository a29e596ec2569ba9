/**
 * Turns whatever an exporter or span processor failed with (an Error, a string, an array of
 * errors, as OpenTelemetry's tracer provider rejects with) into one `Error` whose message
 * starts with `context` when one is given: `"<context>: <cause>"`. The original is kept as
 * `cause`. An Error whose message already starts with "Sightline:" is returned as is.
 */
export function asError(value: unknown, context?: string): Error {
  const first = Array.isArray(value) ? (value.find((v) => v instanceof Error) ?? value[0]) : value;
  if (first instanceof Error && first.message.startsWith('Sightline:')) return first;
  const reason = describe(first);
  return new Error(context ? `${context}: ${reason}` : reason, typeof value === 'string' ? undefined : { cause: value });
}

function describe(value: unknown): string {
  if (value instanceof Error) {
    const message = value.message || value.name || 'unknown error';
    // OTLPExporterError carries the HTTP status (its message is only the status text).
    const status = (value as { code?: unknown }).code;
    return value.name === 'OTLPExporterError' && typeof status === 'number' ? `HTTP ${status} ${message}` : message;
  }
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return 'unknown error';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
