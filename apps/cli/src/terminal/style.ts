/** Text styling for the console: ANSI colours, or none (`NO_COLOR`, a pipe). */
export interface Style {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly inverse: (s: string) => string;
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly cyan: (s: string) => string;
  readonly magenta: (s: string) => string;
}

const plain = (s: string) => s;
const ansi = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;

export const PLAIN: Style = {
  bold: plain,
  dim: plain,
  inverse: plain,
  red: plain,
  green: plain,
  yellow: plain,
  cyan: plain,
  magenta: plain,
};

export const ANSI: Style = {
  bold: ansi(1, 22),
  dim: ansi(2, 22),
  inverse: ansi(7, 27),
  red: ansi(31, 39),
  green: ansi(32, 39),
  yellow: ansi(33, 39),
  cyan: ansi(36, 39),
  magenta: ansi(35, 39),
};

/**
 * Colours only for a terminal, and never when `NO_COLOR` is set to anything
 * (https://no-color.org).
 */
export function styleFor(isTty: boolean, env: NodeJS.ProcessEnv = process.env): Style {
  return isTty && (env.NO_COLOR === undefined || env.NO_COLOR === '') ? ANSI : PLAIN;
}

/** Latency thresholds: green under 2 s, yellow under 10 s, red from 10 s. */
export const LATENCY_MS = { fast: 2_000, slow: 10_000 } as const;
/** Time to first token: green under 500 ms, yellow under 2 s, red from 2 s. */
export const TTFT_MS = { fast: 500, slow: 2_000 } as const;

/** `text` coloured by where `value` falls among the thresholds. */
export function byThreshold(style: Style, value: number | null, limits: { fast: number; slow: number }, text: string): string {
  if (value === null) return style.dim(text);
  if (value < limits.fast) return style.green(text);
  if (value < limits.slow) return style.yellow(text);
  return style.red(text);
}
