import type { ProviderName } from './provider-names.js';

/**
 * Provider API hosts (OTel `server.address`) and what each says about the call: its vendor,
 * the platform that served it, or both. Matched on the host or any parent domain, so regional
 * endpoints (`bedrock-runtime.us-east-1.amazonaws.com`, `us-central1-aiplatform.googleapis.com`)
 * are found too.
 */
const HOSTS: readonly (readonly [RegExp, ProviderName])[] = [
  [/(^|\.)api\.openai\.com$/, { vendor: 'openai', host: null }],
  [/(^|\.)openai\.azure\.com$/, { vendor: 'openai', host: 'azure' }],
  [/(^|\.)services\.ai\.azure\.com$/, { vendor: null, host: 'azure' }],
  [/(^|\.)api\.anthropic\.com$/, { vendor: 'anthropic', host: null }],
  [/(^|\.)generativelanguage\.googleapis\.com$/, { vendor: 'gcp.gemini', host: null }],
  [/(^|[.-])aiplatform\.googleapis\.com$/, { vendor: null, host: 'gcp.vertex_ai' }],
  [/(^|\.)bedrock-runtime(-fips)?\.[a-z0-9-]+\.amazonaws\.com$/, { vendor: null, host: 'aws.bedrock' }],
  [/(^|\.)api\.mistral\.ai$/, { vendor: 'mistral_ai', host: null }],
  [/(^|\.)api\.x\.ai$/, { vendor: 'x_ai', host: null }],
  [/(^|\.)api\.deepseek\.com$/, { vendor: 'deepseek', host: null }],
  [/(^|\.)api\.cohere\.(com|ai)$/, { vendor: 'cohere', host: null }],
  [/(^|\.)api\.perplexity\.ai$/, { vendor: 'perplexity', host: null }],
  [/(^|\.)api\.groq\.com$/, { vendor: null, host: 'groq' }],
  [/(^|\.)api\.together\.(xyz|ai)$/, { vendor: null, host: 'together' }],
  [/(^|\.)api\.fireworks\.ai$/, { vendor: null, host: 'fireworks' }],
  [/(^|\.)openrouter\.ai$/, { vendor: null, host: 'openrouter' }],
];

/**
 * What a provider API host name says about the call (`api.anthropic.com` → anthropic), or null
 * for a host it does not know (a local mock, a self-hosted gateway).
 */
export function providerOfHost(address: string): ProviderName | null {
  const host = address.trim().toLowerCase().replace(/\.$/, '');
  for (const [re, name] of HOSTS) if (re.test(host)) return name;
  return null;
}
