#!/usr/bin/env node
// Builds Sightline's price table (packages/core/src/pricing/prices.json) from a snapshot of
// LiteLLM's public model_prices_and_context_window.json (MIT license).
//
//   node scripts/build-prices.mjs <model-prices.json> <snapshot date YYYY-MM-DD>
//
// Keeps token-billed entries (chat, completion, responses, embeddings) and converts prices to
// USD per million tokens. Entries priced per image, per second or per query are left out:
// calls to such models are reported unpriced.
import { readFileSync, writeFileSync } from 'node:fs';

const [source, asOf] = process.argv.slice(2);
if (!source || !/^\d{4}-\d{2}-\d{2}$/.test(asOf ?? '')) {
  console.error('usage: node scripts/build-prices.mjs <model-prices.json> <YYYY-MM-DD>');
  process.exit(2);
}
const raw = JSON.parse(readFileSync(source, 'utf8'));

const PLATFORMS = {
  openai: 'openai',
  text_completion_openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'google',
  'vertex_ai-language-models': 'gcp.vertex_ai',
  'vertex_ai-anthropic_models': 'gcp.vertex_ai',
  'vertex_ai-mistral_models': 'gcp.vertex_ai',
  'vertex_ai-llama_models': 'gcp.vertex_ai',
  'vertex_ai-ai21_models': 'gcp.vertex_ai',
  'vertex_ai-deepseek_models': 'gcp.vertex_ai',
  'vertex_ai-embedding-models': 'gcp.vertex_ai',
  'vertex_ai-text-models': 'gcp.vertex_ai',
  'vertex_ai-chat-models': 'gcp.vertex_ai',
  'vertex_ai-code-chat-models': 'gcp.vertex_ai',
  'vertex_ai-code-text-models': 'gcp.vertex_ai',
  'vertex_ai-openai_models': 'gcp.vertex_ai',
  'vertex_ai-qwen_models': 'gcp.vertex_ai',
  'vertex_ai-minimax_models': 'gcp.vertex_ai',
  'vertex_ai-moonshot_models': 'gcp.vertex_ai',
  'vertex_ai-zai_models': 'gcp.vertex_ai',
  vertex_ai: 'gcp.vertex_ai',
  bedrock: 'aws.bedrock',
  bedrock_converse: 'aws.bedrock',
  azure: 'azure',
  azure_ai: 'azure',
  mistral: 'mistral',
  codestral: 'mistral',
  xai: 'xai',
  deepseek: 'deepseek',
  cohere: 'cohere',
  cohere_chat: 'cohere',
  groq: 'groq',
  together_ai: 'together',
  fireworks_ai: 'fireworks',
  'fireworks_ai-embedding-models': 'fireworks',
  openrouter: 'openrouter',
  deepinfra: 'deepinfra',
  perplexity: 'perplexity',
  cerebras: 'cerebras',
  ollama: 'ollama',
};

const MODES = new Set(['chat', 'completion', 'responses', 'embedding']);
const perMillion = (v) => (typeof v === 'number' ? Math.round(v * 1e6 * 1e6) / 1e6 : null);

const entries = [];
for (const [model, e] of Object.entries(raw)) {
  if (model === 'sample_spec' || typeof e !== 'object' || !MODES.has(e.mode) || typeof e.input_cost_per_token !== 'number') continue;
  const entry = {
    model: model.toLowerCase(),
    platform: PLATFORMS[e.litellm_provider] ?? e.litellm_provider ?? null,
    mode: e.mode === 'embedding' ? 'embeddings' : 'chat',
    from: null,
    input: perMillion(e.input_cost_per_token),
    cached_input: perMillion(e.cache_read_input_token_cost),
    cache_write: perMillion(e.cache_creation_input_token_cost),
    output: perMillion(e.output_cost_per_token) ?? 0,
  };
  const reasoning = perMillion(e.output_cost_per_reasoning_token);
  if (reasoning !== null && reasoning !== entry.output) entry.reasoning = reasoning;
  const tiers = [];
  for (const threshold of [128_000, 200_000, 272_000]) {
    const suffix = `_above_${threshold / 1000}k_tokens`;
    const input = perMillion(e[`input_cost_per_token${suffix}`]);
    if (input === null) continue;
    tiers.push({
      above: threshold,
      input,
      cached_input: perMillion(e[`cache_read_input_token_cost${suffix}`]),
      cache_write: perMillion(e[`cache_creation_input_token_cost${suffix}`]),
      output: perMillion(e[`output_cost_per_token${suffix}`]) ?? entry.output,
    });
  }
  if (tiers.length) entry.tiers = tiers;
  entries.push(entry);
}

// Price history known from the providers' announcements: gpt-4o cost $5 / $15 until its alias
// moved to gpt-4o-2024-08-06 on 2024-10-02.
const gpt4o = entries.find((x) => x.model === 'gpt-4o');
if (gpt4o) {
  gpt4o.from = '2024-10-02';
  entries.push({
    model: 'gpt-4o',
    platform: 'openai',
    mode: 'chat',
    from: null,
    input: 5,
    cached_input: null,
    cache_write: null,
    output: 15,
  });
}

entries.sort(
  (a, b) =>
    a.model.localeCompare(b.model) || String(a.platform).localeCompare(String(b.platform)) || String(a.from).localeCompare(String(b.from)),
);
const table = {
  source: 'LiteLLM model_prices_and_context_window.json (MIT license), token-billed entries',
  as_of: asOf,
  unit: 'USD per 1,000,000 tokens',
  entries,
};
writeFileSync(
  new URL('../packages/core/src/pricing/prices.json', import.meta.url),
  `${JSON.stringify(table, null, 0).replace(/\},\{/g, '},\n{')}\n`,
);
console.log(`wrote ${entries.length} entries (${new Set(entries.map((x) => x.model)).size} model ids) as of ${asOf}`);
