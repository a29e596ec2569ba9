/** How numbers, times and ids are shown. Unknown is "—", never 0. */

export const UNKNOWN = '—';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1,234 · 12.3k · 4.56M — exact value in {@link exactCount}. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return UNKNOWN;
  const abs = Math.abs(n);
  if (abs < 10_000) return integer.format(n);
  if (abs < 1_000_000) return `${trim(n / 1000, abs < 100_000 ? 1 : 0)}k`;
  if (abs < 1_000_000_000) return `${trim(n / 1_000_000, abs < 100_000_000 ? 2 : 1)}M`;
  return `${trim(n / 1_000_000_000, 2)}B`;
}

export function exactCount(n: number | null | undefined): string {
  return n === null || n === undefined || Number.isNaN(n) ? 'unknown' : integer.format(n);
}

function trim(n: number, digits: number): string {
  return dropZeroDecimals(n.toFixed(digits));
}

/** `12.50` → `12.5`, `3.00` → `3`; an integer keeps its zeros (`150` stays `150`). */
function dropZeroDecimals(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** $1.23 · $0.0123 · <$0.0001; the exact figure in {@link exactCost}. */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || Number.isNaN(usd)) return UNKNOWN;
  if (usd === 0) return '$0';
  const abs = Math.abs(usd);
  if (abs < 0.0001) return '<$0.0001';
  if (abs < 0.01) return `$${usd.toFixed(4)}`;
  if (abs < 100) return `$${usd.toFixed(abs < 1 ? 3 : 2)}`;
  return `$${integer.format(usd)}`;
}

/** Why a call has no cost: what "without a cost" covers, wherever such calls are counted. */
export const NO_COST =
  'A call has no cost when its model has no known price, or when it reported no token usage (as failed calls often do).';

export function exactCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || Number.isNaN(usd)) return 'unpriced';
  if (usd === 0) return '$0';
  // Eight significant digits, never in exponent form ($0.00000024, not $2.4000000e-7).
  const decimals = Math.min(20, Math.max(0, 7 - Math.floor(Math.log10(Math.abs(usd)))));
  return `$${dropZeroDecimals(usd.toFixed(decimals))}`;
}

/** A share of a whole, as a percentage with one decimal: 0.0125 → 1.3%. */
export function formatShare(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** 0.42 ms · 87 ms · 1.24 s · 2m 03s · 1h 05m. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return UNKNOWN;
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A duration as an axis tick: short, in one unit, no more digits than it needs (0, 250 ms, 1.5 s, 2 min, 3 h). */
export function formatDurationTick(ms: number): string {
  const short = (v: number) => String(Number(v.toPrecision(3)));
  if (ms === 0) return '0';
  if (Math.abs(ms) < 1000) return `${short(ms)} ms`;
  if (Math.abs(ms) < 60_000) return `${short(ms / 1000)} s`;
  if (Math.abs(ms) < 3_600_000) return `${short(ms / 60_000)} min`;
  return `${short(ms / 3_600_000)} h`;
}

/** Dollars as an axis tick: cents from a cent up ($0.40, $1.00), two significant digits below ($0.005). */
export function formatCostTick(usd: number): string {
  if (usd === 0) return '$0';
  if (Math.abs(usd) >= 0.01) return `$${usd.toFixed(2)}`;
  return `$${Number(usd.toPrecision(2))}`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** 14:03:22 today, "Dec 3, 14:03:22" on other days. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return sameDay(d, new Date()) ? timeFormat.format(d) : dateTimeFormat.format(d);
}

/** The exact time with nanoseconds, for tooltips: "2026-12-04 14:03:22.123456789 UTC". */
export function exactTime(iso: string): string {
  return `${iso.replace('T', ' ').replace('Z', '')} UTC`;
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function formatAgo(iso: string, now = Date.now()): string {
  const ms = now - new Date(iso).getTime();
  if (Number.isNaN(ms)) return UNKNOWN;
  if (ms < 1000) return 'just now';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s ago`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h ago`;
  return `${Math.round(ms / 86_400_000)} d ago`;
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** The first characters of an id, for tight columns (the full id is in the tooltip and copy). */
export function shortId(id: string, chars = 8): string {
  return id.length > chars ? id.slice(0, chars) : id;
}
