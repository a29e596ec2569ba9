import type { ProjectInfo, ProjectSettings, RedactionSettings, StoredKey } from '@sightline/storage';
import { field } from '../api/json-body.js';
import { badRequest } from '../http/http-error.js';
import { BUILTIN_RULE_NAMES } from '../redaction/redaction-rules.js';
import type { CreatedKey } from './key-admin.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function keyJson(k: StoredKey, lastUsedAtMs: number | null = k.lastUsedAtMs) {
  return {
    id: k.id,
    project: k.project,
    role: k.project === null ? 'admin' : 'project',
    name: k.name,
    created_at: iso(k.createdAtMs),
    last_used_at: iso(lastUsedAtMs),
    revoked_at: iso(k.revokedAtMs),
  };
}

/** A key just made, as its maker sees it: the only time `key` is shown. */
export function createdKeyJson(made: CreatedKey) {
  return { ...keyJson(made.stored), key: made.key, project_created: made.projectCreated };
}

export function projectJson(p: ProjectInfo) {
  const s = p.settings;
  return {
    name: p.name,
    created_at: iso(p.createdAtMs),
    settings: {
      retention_days: s.retentionDays ?? null,
      spans_per_second: s.spansPerSecond ?? null,
      spans_per_day: s.spansPerDay ?? null,
      spans_per_month: s.spansPerMonth ?? null,
      redaction: s.redaction
        ? { builtins: s.redaction.builtins, patterns: s.redaction.patterns, attribute_keys: s.redaction.attributeKeys }
        : null,
    },
  };
}

const MAX_PATTERN_CHARS = 500;

/** The redaction rules of a request body (`{builtins, patterns, attribute_keys}`); 400 for what is wrong. */
export function parseRedaction(body: Record<string, unknown>): RedactionSettings {
  const builtins = (field.array(body, 'builtins') ?? []).map((b) => {
    if (typeof b !== 'string' || !BUILTIN_RULE_NAMES.includes(b))
      throw badRequest(`"${String(b)}" is not a built-in redaction rule; they are ${BUILTIN_RULE_NAMES.join(', ')}`);
    return b;
  });
  const patterns = (field.array(body, 'patterns') ?? []).map((p, i) => {
    if (p === null || typeof p !== 'object' || Array.isArray(p)) throw badRequest(`patterns[${i}] must be {"name", "regex"}`);
    const name = field.string(p as Record<string, unknown>, 'name', true) as string;
    const regex = field.string(p as Record<string, unknown>, 'regex', true) as string;
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw badRequest(`patterns[${i}].name must be 1–64 letters, digits, ".", "_" or "-"`);
    if (regex.length > MAX_PATTERN_CHARS) throw badRequest(`patterns[${i}].regex is longer than ${MAX_PATTERN_CHARS} characters`);
    try {
      if (new RegExp(regex).test(''))
        throw badRequest(`patterns[${i}].regex matches empty text, so it would redact between every character`);
    } catch (err) {
      if (err instanceof SyntaxError) throw badRequest(`patterns[${i}].regex is not a valid regular expression: ${err.message}`);
      throw err;
    }
    return { name, regex };
  });
  const attributeKeys = (field.array(body, 'attribute_keys') ?? []).map((k) => {
    if (typeof k !== 'string' || k === '') throw badRequest('attribute_keys must be non-empty strings');
    return k;
  });
  return { builtins, patterns, attributeKeys };
}

/** Settings from a request body: only the fields present are set; null clears one. */
export function parseProjectSettings(body: Record<string, unknown>): ProjectSettings {
  const settings: Record<string, unknown> = {};
  const limit = (name: string, key: keyof ProjectSettings, max: number) => {
    if (!(name in body)) return;
    settings[key] = body[name] === null ? null : (field.integer(body, name, 1, max) ?? null);
  };
  limit('retention_days', 'retentionDays', 36_500);
  limit('spans_per_second', 'spansPerSecond', 10_000_000);
  limit('spans_per_day', 'spansPerDay', Number.MAX_SAFE_INTEGER);
  limit('spans_per_month', 'spansPerMonth', Number.MAX_SAFE_INTEGER);
  if ('redaction' in body) settings.redaction = body.redaction === null ? null : parseRedaction(field.object(body, 'redaction') ?? {});
  const known = new Set(['name', 'retention_days', 'spans_per_second', 'spans_per_day', 'spans_per_month', 'redaction']);
  for (const k of Object.keys(body)) if (!known.has(k)) throw badRequest(`unknown field "${k}"`);
  return settings as ProjectSettings;
}
