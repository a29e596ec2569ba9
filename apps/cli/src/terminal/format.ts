/** How the console writes figures: short, aligned, and "—" for unknown (never 0). */

export const UNKNOWN = '—';

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1,234 · 12.3k · 4.56M. */
export function count(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return UNKNOWN;
  const abs = Math.abs(n);
  if (abs < 10_000) return grouped.format(n);
  if (abs < 1_000_000) return `${(n / 1000).toFixed(abs < 100_000 ? 1 : 0)}k`;
  if (abs < 1_000_000_000) return `${(n / 1_000_000).toFixed(2)}M`;
  return `${(n / 1_000_000_000).toFixed(2)}B`;
}

/** $1.23 · $0.0123 · <$0.0001 · $0. */
export function usd(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return UNKNOWN;
  if (n === 0) return '$0';
  if (n < 0.0001) return '<$0.0001';
  if (n < 0.01) return `$${n.toFixed(4)}`;
  if (n < 100) return `$${n.toFixed(n < 1 ? 3 : 2)}`;
  return `$${grouped.format(n)}`;
}

/** 87 ms · 1.24 s · 2m 03s. */
export function ms(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return UNKNOWN;
  if (n < 10) return `${n.toFixed(1)} ms`;
  if (n < 1000) return `${Math.round(n)} ms`;
  if (n < 60_000) return `${(n / 1000).toFixed(n < 10_000 ? 2 : 1)} s`;
  const s = Math.round(n / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Tokens per second, one decimal under 100. */
export function rate(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return UNKNOWN;
  return n < 100 ? n.toFixed(1) : grouped.format(n);
}

/** The local wall-clock time of an ISO timestamp, `14:03:22`. */
export function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? UNKNOWN : d.toTimeString().slice(0, 8);
}

/** `text` cut to `width` characters, with "…" where it was cut. */
export function clip(text: string, width: number): string {
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  return width <= 1 ? chars.slice(0, width).join('') : `${chars.slice(0, width - 1).join('')}…`;
}

/** The width a string takes on screen (one column per character; ANSI styling excluded). */
export function visibleWidth(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what is stripped.
  return Array.from(text.replace(/\x1b\[[0-9;]*m/g, '')).length;
}

/** An ISO-8601 time to the second, as `2026-12-05 06:23:30Z`; unknown (null) as {@link UNKNOWN}. */
export function isoMinute(text: string | null): string {
  return text === null ? UNKNOWN : text.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
