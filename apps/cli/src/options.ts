import { BUILTIN_REDACTION_RULES } from '@sightline/storage';
import { InvalidArgumentError } from 'commander';

export function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new InvalidArgumentError('must be a port number from 0 to 65535 (0 picks a free port).');
  return Number(value);
}

export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a positive integer.');
  return Number(value);
}

export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(n > 0)) throw new InvalidArgumentError('must be a positive number.');
  return n;
}

const UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration such as `90s`, `5m`, `1.5h`, `7d` (a bare number is seconds), in milliseconds. */
export function parseDuration(value: string): number {
  const m = /^(\d*\.?\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  const ms = m ? Number(m[1]) * (UNITS_MS[m[2] ?? 's'] as number) : Number.NaN;
  if (!(ms > 0)) throw new InvalidArgumentError('must be a duration such as 30s, 5m, 2h or 7d.');
  return ms;
}

/** A comma-separated list, trimmed, without empty items. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** A number of days such as `30d` (or `30`). */
export function parseDays(value: string): number {
  const m = /^(\d+)d?$/.exec(value.trim());
  if (!m || Number(m[1]) < 1) throw new InvalidArgumentError('must be a number of days such as 30d.');
  return Number(m[1]);
}

/** Built-in redaction rules, comma-separated; given again, they add up. */
export function parseRedactRules(value: string, previous: string[] = []): string[] {
  const rules = splitList(value);
  for (const r of rules)
    if (!(BUILTIN_REDACTION_RULES as readonly string[]).includes(r))
      throw new InvalidArgumentError(`"${r}" is not a rule; they are ${BUILTIN_REDACTION_RULES.join(', ')}.`);
  return [...previous, ...rules];
}
