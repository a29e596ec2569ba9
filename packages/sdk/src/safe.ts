/**
 * Instrumentation must never break the app: a failure inside the SDK is logged once per kind
 * (so a broken hook does not flood the log) and the app's call proceeds.
 */
const reported = new Set<string>();

export function reportOnce(where: string, err: unknown): void {
  if (reported.has(where)) return;
  reported.add(where);
  const message = err instanceof Error ? err.message : String(err);
  process.emitWarning(`${where}: ${message} (reported once; the call proceeds uninstrumented)`, { code: 'SIGHTLINE_SDK' });
}

const warned = new Set<string>();

/** A configuration problem the SDK worked around (e.g. an invalid `SIGHTLINE_LABEL_*` variable), warned about once per process. */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(`sightline: ${message}`, { code: 'SIGHTLINE_SDK' });
}
