import { parseJson } from './values.js';

/** One token count and the key (or sum of keys) of the raw usage object it came from. */
export interface TokenCount {
  readonly value: number;
  readonly from: string;
}

/**
 * Token counts in OpenTelemetry's convention: `input` includes cache reads and writes, `output`
 * includes reasoning. Null where the usage object did not say.
 */
export interface RawUsageTokens {
  readonly input: TokenCount | null;
  readonly output: TokenCount | null;
  readonly total: TokenCount | null;
  readonly cacheRead: TokenCount | null;
  readonly cacheWrite: TokenCount | null;
  readonly reasoning: TokenCount | null;
}

/**
 * Reads a provider's own usage object, as its API returned it (parsed, or as JSON text):
 *
 * - OpenAI Chat Completions: `prompt_tokens` (includes cached), `completion_tokens` (includes
 *   reasoning), `total_tokens`, `prompt_tokens_details.cached_tokens`,
 *   `completion_tokens_details.reasoning_tokens`.
 * - OpenAI Responses: `input_tokens`, `output_tokens`, `total_tokens`,
 *   `input_tokens_details.cached_tokens` (and `.cache_write_tokens` where sent),
 *   `output_tokens_details.reasoning_tokens`.
 * - Anthropic Messages: `input_tokens` **excludes** `cache_read_input_tokens` and
 *   `cache_creation_input_tokens`, so they are added back.
 *
 * Null when the value is not such an object.
 *
 * @example
 * readRawUsage('{"prompt_tokens":24,"completion_tokens":8,"prompt_tokens_details":{"cached_tokens":16}}')
 * // input 24, output 8, cacheRead 16, total null
 */
export function readRawUsage(raw: unknown): RawUsageTokens | null {
  const usage = asObject(typeof raw === 'string' ? parseJson(raw) : raw);
  if (usage === null) return null;
  const cacheRead =
    count(usage, 'cache_read_input_tokens') ?? nested(usage, ['prompt_tokens_details', 'input_tokens_details'], 'cached_tokens');
  const cacheWrite =
    count(usage, 'cache_creation_input_tokens') ?? nested(usage, ['input_tokens_details', 'prompt_tokens_details'], 'cache_write_tokens');
  const reasoning = nested(usage, ['completion_tokens_details', 'output_tokens_details'], 'reasoning_tokens');
  const output = count(usage, 'completion_tokens') ?? count(usage, 'output_tokens');
  const total = count(usage, 'total_tokens');

  let input = count(usage, 'prompt_tokens') ?? count(usage, 'input_tokens');
  // Anthropic reports the cache apart from `input_tokens`: its cache keys sit at the top level.
  const anthropicCache = [count(usage, 'cache_read_input_tokens'), count(usage, 'cache_creation_input_tokens')].filter(
    (c): c is TokenCount => c !== null,
  );
  if (input !== null && input.from === 'input_tokens' && anthropicCache.length > 0) {
    input = {
      value: input.value + anthropicCache.reduce((sum, c) => sum + c.value, 0),
      from: `${[input, ...anthropicCache].map((c) => c.from).join(' + ')} (Anthropic input excludes cache)`,
    };
  }

  const tokens = { input, output, total, cacheRead, cacheWrite, reasoning };
  return Object.values(tokens).some((t) => t !== null) ? tokens : null;
}

function asObject(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function count(obj: Record<string, unknown>, key: string, path = key): TokenCount | null {
  const v = obj[key];
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? { value: v, from: path } : null;
}

/** `key` inside the first of the `parents` objects that holds it. */
function nested(usage: Record<string, unknown>, parents: readonly string[], key: string): TokenCount | null {
  for (const parent of parents) {
    const details = asObject(usage[parent]);
    const found = details === null ? null : count(details, key, `${parent}.${key}`);
    if (found) return found;
  }
  return null;
}
