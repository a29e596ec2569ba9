/** Provider payloads as the instrumentation reads them: untyped JSON, and typed reads of its fields. */

// biome-ignore lint/suspicious/noExplicitAny: provider payloads are untyped here
export type Json = any;

/** A finite number, else null. */
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A string, else null. */
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
