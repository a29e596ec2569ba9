import { BUILTIN_REDACTION_RULES } from '@sightline/storage';

/**
 * What redaction finds in text. Each rule is a regular expression (global) and, for card
 * numbers, a check that what matched really is one (Luhn), so order ids are left alone.
 */
export interface TextRule {
  readonly name: string;
  readonly pattern: RegExp;
  readonly accept?: (match: string) => boolean;
}

/** Passes the Luhn check, as every payment card number does. */
export function luhn(text: string): boolean {
  const digits = text.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The built-in rules, by the names projects and `--redact` use. */
export const BUILTIN_RULES: Readonly<Record<(typeof BUILTIN_REDACTION_RULES)[number], TextRule>> = {
  // Anchored where a local part can start (the lookbehind): without it a long run of
  // local-part characters is retried from every position, in time quadratic in its length.
  email: {
    name: 'email',
    pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
  },
  'api-key': {
    name: 'api-key',
    // Bearer tokens; then the shapes of well-known providers' keys (OpenAI, Anthropic, Langfuse,
    // Sightline, AWS access key ids, GitHub, Slack, Google).
    pattern:
      /\b[Bb]earer\s+[A-Za-z0-9._~+/=-]{8,}|\b(?:sk|pk)-[A-Za-z0-9_-]{16,}|\bsl_[0-9a-f]{12}_[A-Za-z0-9_-]{43}|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{36,}|\bxox[abprs]-[A-Za-z0-9-]{10,}|\bAIza[0-9A-Za-z_-]{35}/g,
  },
  'card-number': { name: 'card-number', pattern: /\b\d(?:[ -]?\d){12,18}\b/g, accept: luhn },
  // With a leading + and country code, or the (555) 123-4567 / 555-123-4567 shapes: bare
  // digit runs (ids, timestamps) are not phone numbers.
  phone: {
    name: 'phone',
    pattern: /\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){1,4}\b|(?:\(\d{3}\)\s?|\b\d{3}[.-])\d{3}[.-]\d{4}\b/g,
  },
};

export const BUILTIN_RULE_NAMES: readonly string[] = BUILTIN_REDACTION_RULES;

/** A rule of your own: `name` (what `[REDACTED:<name>]` says) and a JavaScript regular expression. */
export function customRule(name: string, regex: string): TextRule {
  return { name, pattern: new RegExp(regex, 'g') };
}
