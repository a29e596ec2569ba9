import type { CallDraft } from './call-draft.js';
import { readRawUsage } from './raw-usage.js';
import { asStructured } from './values.js';

const RAW = 'gen_ai.usage.raw';

/**
 * Logfire's `gen_ai.usage.raw`: the provider's usage object (JSON text, or a structured value).
 * Read only for the cache and reasoning counts the dedicated `gen_ai.usage.*` keys did not
 * carry; Logfire sets input and output tokens itself.
 *
 * @example
 * // gen_ai.usage.raw = '{"prompt_tokens":24,"prompt_tokens_details":{"cached_tokens":16}}'
 * readGenAiUsageRaw(draft) // cacheReadTokens 16, from "gen_ai.usage.raw prompt_tokens_details.cached_tokens"
 */
export function readGenAiUsageRaw(d: CallDraft): void {
  const value = d.get(RAW);
  if (value === undefined) return;
  const set = d.fields;
  if (set.cacheReadTokens != null && set.cacheWriteTokens != null && set.reasoningTokens != null) return;
  const raw = readRawUsage(asStructured(value));
  if (raw === null) return;
  if (raw.cacheRead) d.set('cacheReadTokens', raw.cacheRead.value, `${RAW} ${raw.cacheRead.from}`);
  if (raw.cacheWrite) d.set('cacheWriteTokens', raw.cacheWrite.value, `${RAW} ${raw.cacheWrite.from}`);
  if (raw.reasoning) d.set('reasoningTokens', raw.reasoning.value, `${RAW} ${raw.reasoning.from}`);
}
