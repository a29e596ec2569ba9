import type { CallDraft } from '../call-draft.js';
import { readRawUsage } from '../raw-usage.js';

const USAGE = 'langfuse.observation.usage_details';

const CACHE_READ = ['input_cached_tokens', 'cache_read_input_tokens', 'input_cache_read', 'cached_tokens', 'cache_read'];
const CACHE_WRITE = ['input_cache_creation', 'cache_creation_input_tokens', 'input_cache_write', 'cache_write', 'cache_creation'];
const REASONING = ['output_reasoning_tokens', 'output_reasoning', 'reasoning_tokens', 'reasoning'];

/**
 * `langfuse.observation.usage_details`, a JSON object in one of two shapes:
 *
 * - Langfuse's own keys (`input`, `output`, `total`, `input_cached_tokens`, …), where `input`
 *   excludes cached tokens and `output` excludes reasoning tokens: both are added back to give
 *   OTel's totals.
 * - The provider's raw usage object, which the Langfuse Python SDK's OpenAI integration passes
 *   on as it came (`prompt_tokens`, `prompt_tokens_details.cached_tokens`, …): read by
 *   `readRawUsage`.
 */
export function readLangfuseUsage(d: CallDraft, usage: Record<string, unknown>): void {
  const own = ['input', 'output', 'total'].some((k) => typeof usage[k] === 'number');
  if (own) readOwnKeys(d, usage);
  else readRaw(d, usage);
}

function readOwnKeys(d: CallDraft, usage: Record<string, unknown>): void {
  const num = (keys: readonly string[]) => {
    for (const k of keys) if (typeof usage[k] === 'number') return { value: usage[k] as number, key: k };
    return null;
  };
  const cacheRead = num(CACHE_READ);
  const cacheWrite = num(CACHE_WRITE);
  const reasoning = num(REASONING);
  const input = num(['input']);
  const output = num(['output']);
  if (cacheRead) d.set('cacheReadTokens', cacheRead.value, `${USAGE}.${cacheRead.key}`);
  if (cacheWrite) d.set('cacheWriteTokens', cacheWrite.value, `${USAGE}.${cacheWrite.key}`);
  if (reasoning) d.set('reasoningTokens', reasoning.value, `${USAGE}.${reasoning.key}`);
  if (input) {
    const cached = (cacheRead?.value ?? 0) + (cacheWrite?.value ?? 0);
    d.set('inputTokens', input.value + cached, cached ? `${USAGE}.input + cached (Langfuse input excludes cached)` : `${USAGE}.input`);
  }
  if (output) {
    d.set(
      'outputTokens',
      output.value + (reasoning?.value ?? 0),
      reasoning ? `${USAGE}.output + reasoning (Langfuse output excludes reasoning)` : `${USAGE}.output`,
    );
  }
  if (typeof usage.total === 'number') d.set('totalTokens', usage.total, `${USAGE}.total`);
}

function readRaw(d: CallDraft, usage: Record<string, unknown>): void {
  const raw = readRawUsage(usage);
  if (raw === null) return;
  const rule = (from: string) => `${USAGE}.${from} (the provider's raw usage)`;
  if (raw.input) d.set('inputTokens', raw.input.value, rule(raw.input.from));
  if (raw.output) d.set('outputTokens', raw.output.value, rule(raw.output.from));
  if (raw.total) d.set('totalTokens', raw.total.value, rule(raw.total.from));
  if (raw.cacheRead) d.set('cacheReadTokens', raw.cacheRead.value, rule(raw.cacheRead.from));
  if (raw.cacheWrite) d.set('cacheWriteTokens', raw.cacheWrite.value, rule(raw.cacheWrite.from));
  if (raw.reasoning) d.set('reasoningTokens', raw.reasoning.value, rule(raw.reasoning.from));
}
