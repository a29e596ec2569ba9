import type { PriceEntry, PriceTableFile, PriceTier } from './price-entry.js';

/** A price file that cannot be used; the message names the entry and the field. */
export class PriceFileError extends Error {
  override readonly name = 'PriceFileError';
}

const PRICE_FIELDS = ['input', 'output', 'cached_input', 'cache_write', 'reasoning'] as const;
const KNOWN_FIELDS = new Set(['model', 'platform', 'mode', 'from', 'tiers', ...PRICE_FIELDS]);

/**
 * Reads user price overrides (already parsed from JSON or YAML) into a price table file.
 * Prices are USD per 1,000,000 tokens. Accepted shapes:
 *
 * - a list of entries: `[{model: "gpt-4o", input: 2.5, output: 10}, …]`
 * - `{entries: [...]}` (the built-in table's own shape)
 * - a map from model to prices: `{"gpt-4o": {input: 2.5, output: 10}, …}`
 *
 * An entry may also give `cached_input`, `cache_write`, `reasoning`, `platform` (who sells it:
 * `azure`, `aws.bedrock`, …), `from` (YYYY-MM-DD: the price applies to calls from that day) and
 * `tiers` (`[{above: 200000, input: …, output: …}]`, for calls with more input tokens).
 */
export function parsePriceOverrides(value: unknown): PriceTableFile {
  let list: unknown[];
  if (Array.isArray(value)) list = value;
  else if (isObject(value) && Array.isArray(value.entries)) list = value.entries;
  else if (isObject(value)) list = Object.entries(value).map(([model, v]) => (isObject(v) ? { model, ...v } : { model, input: v }));
  else throw new PriceFileError('a price file holds a list of prices, {"entries": [...]}, or a map from model name to prices');
  return { source: 'user overrides', entries: list.map((item, i) => entry(item, i)) };
}

function entry(item: unknown, i: number): PriceEntry {
  const where = `entry ${i + 1}`;
  if (!isObject(item)) throw new PriceFileError(`${where}: expected an object with "model", "input" and "output"`);
  const model = item.model;
  if (typeof model !== 'string' || model.trim() === '') throw new PriceFileError(`${where}: "model" must be a non-empty string`);
  const at = `${where} ("${model}")`;
  for (const key of Object.keys(item)) {
    if (!KNOWN_FIELDS.has(key))
      throw new PriceFileError(`${at}: unknown field "${key}" (known: ${[...KNOWN_FIELDS].join(', ')}; prices are USD per 1M tokens)`);
  }
  const price = (key: string, required: boolean): number | null => {
    const v = item[key];
    if (v === undefined || v === null) {
      if (required) throw new PriceFileError(`${at}: "${key}" is required (USD per 1M tokens)`);
      return null;
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new PriceFileError(`${at}: "${key}" must be a number ≥ 0, got ${JSON.stringify(v)}`);
    return v;
  };
  const from = item.from;
  let day: string | null = null;
  if (from instanceof Date) day = from.toISOString().slice(0, 10);
  else if (typeof from === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(from) && !Number.isNaN(Date.parse(from))) day = from;
  else if (from !== undefined && from !== null) throw new PriceFileError(`${at}: "from" must be a date like 2025-01-31`);
  const platform = item.platform;
  if (platform !== undefined && platform !== null && typeof platform !== 'string')
    throw new PriceFileError(`${at}: "platform" must be a string`);
  const mode = item.mode ?? 'chat';
  if (mode !== 'chat' && mode !== 'embeddings') throw new PriceFileError(`${at}: "mode" must be "chat" or "embeddings"`);
  const tiers = item.tiers;
  if (tiers !== undefined && !Array.isArray(tiers)) throw new PriceFileError(`${at}: "tiers" must be a list`);
  return {
    model: model.trim().toLowerCase(),
    platform: typeof platform === 'string' ? platform : null,
    mode,
    from: day,
    input: price('input', true) as number,
    output: price('output', mode !== 'embeddings') ?? 0,
    cached_input: price('cached_input', false),
    cache_write: price('cache_write', false),
    reasoning: price('reasoning', false),
    tiers: (tiers as unknown[] | undefined)?.map((t, j) => tier(t, `${at} tier ${j + 1}`)),
  };
}

function tier(value: unknown, at: string): PriceTier {
  if (!isObject(value) || typeof value.above !== 'number')
    throw new PriceFileError(`${at}: expected {above: <input tokens>, input, output}`);
  const n = (key: string) => {
    const v = value[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new PriceFileError(`${at}: "${key}" must be a number ≥ 0`);
    return v;
  };
  const input = n('input');
  const output = n('output');
  if (input === null || output === null) throw new PriceFileError(`${at}: "input" and "output" are required`);
  return { above: value.above, input, output, cached_input: n('cached_input'), cache_write: n('cache_write') };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}
