/**
 * One spelling per vendor: the OpenTelemetry GenAI `gen_ai.provider.name` value where it has
 * one (`openai`, `anthropic`, `gcp.gemini`, `mistral_ai`, `x_ai`, `ibm.watsonx.ai`, …), so that
 * filtering by what the span said finds the call. Sources name providers differently (`xai`,
 * `mistralai`, `Anthropic`, `az.ai.openai`, Vercel's `openai.chat`), and some name the platform
 * that hosted the model rather than its maker (`aws.bedrock`, `gcp.vertex_ai`,
 * `azure.ai.inference`, `groq`). A raw name becomes a vendor, a host, or both.
 */
export interface ProviderName {
  /** The model's maker, when the name says it. */
  readonly vendor: string | null;
  /** The platform that served the model, when the name says it. */
  readonly host: string | null;
}

const VENDORS: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'gcp.gemini',
  gemini: 'gcp.gemini',
  'gcp.gemini': 'gcp.gemini',
  'google.generative-ai': 'gcp.gemini',
  'google-genai': 'gcp.gemini',
  vertexai: 'gcp.gemini',
  mistral: 'mistral_ai',
  mistralai: 'mistral_ai',
  mistral_ai: 'mistral_ai',
  xai: 'x_ai',
  x_ai: 'x_ai',
  'x-ai': 'x_ai',
  deepseek: 'deepseek',
  cohere: 'cohere',
  meta: 'meta',
  amazon: 'amazon',
  ai21: 'ai21',
  ibm: 'ibm.watsonx.ai',
  'ibm.watsonx.ai': 'ibm.watsonx.ai',
  watsonx: 'ibm.watsonx.ai',
  perplexity: 'perplexity',
  alibaba: 'alibaba',
  qwen: 'alibaba',
  microsoft: 'microsoft',
  'azure.ai.openai': 'openai',
  'az.ai.openai': 'openai',
  'azure-openai': 'openai',
  azure_openai: 'openai',
};

const HOSTS: Record<string, string> = {
  'aws.bedrock': 'aws.bedrock',
  bedrock: 'aws.bedrock',
  aws: 'aws.bedrock',
  'amazon-bedrock': 'aws.bedrock',
  'gcp.vertex_ai': 'gcp.vertex_ai',
  vertex_ai: 'gcp.vertex_ai',
  vertex: 'gcp.vertex_ai',
  'google-vertex': 'gcp.vertex_ai',
  'gcp.gen_ai': 'gcp.gen_ai',
  'azure.ai.openai': 'azure',
  'az.ai.openai': 'azure',
  'azure.ai.inference': 'azure',
  'az.ai.inference': 'azure',
  azure: 'azure',
  'azure-openai': 'azure',
  azure_openai: 'azure',
  groq: 'groq',
  together: 'together',
  together_ai: 'together',
  togetherai: 'together',
  fireworks: 'fireworks',
  fireworks_ai: 'fireworks',
  ollama: 'ollama',
  openrouter: 'openrouter',
  cerebras: 'cerebras',
  deepinfra: 'deepinfra',
  replicate: 'replicate',
  huggingface: 'huggingface',
  vllm: 'vllm',
  anyscale: 'anyscale',
  perplexity: 'perplexity',
};

/**
 * Names found in provider keys that name the instrumenting framework, not a provider: Strands
 * Agents sets `gen_ai.system` (or `gen_ai.provider.name`) to `strands-agents` on every span.
 */
const FRAMEWORKS = new Set(['strands-agents', 'strands_agents', 'strands']);

/** Whether a raw provider name names a framework (`strands-agents`) rather than a provider. */
export function isFrameworkName(raw: string): boolean {
  return FRAMEWORKS.has(raw.trim().toLowerCase());
}

/**
 * Reads a raw provider name. `vercel` strips Vercel's API suffix (`openai.chat` → `openai`).
 * A framework's name (see {@link isFrameworkName}) gives neither vendor nor host.
 */
export function parseProviderName(raw: string, vercel = false): ProviderName {
  let name = raw.trim().toLowerCase();
  if (FRAMEWORKS.has(name)) return { vendor: null, host: null };
  if (vercel) {
    // Vercel appends the API to the provider id; only in Vercel's spans is the first dot a separator.
    const dot = name.indexOf('.');
    if (dot > 0 && !(name in VENDORS) && !(name in HOSTS)) name = name.slice(0, dot);
  }
  const vendor = VENDORS[name] ?? null;
  const host = HOSTS[name] ?? null;
  if (vendor === null && host === null) return { vendor: name.replace(/[\s-]+/g, '_'), host: null };
  return { vendor, host };
}

/** A raw name's vendor and host when the tables know the name, else null (an app's own name, say). */
export function knownProviderName(raw: string): ProviderName | null {
  const name = raw.trim().toLowerCase();
  return name in VENDORS || name in HOSTS ? parseProviderName(name) : null;
}

const MODEL_VENDORS: [RegExp, string][] = [
  [/(^|[/.:@])(gpt-|o1|o3|o4|chatgpt|text-embedding|davinci|babbage|whisper|dall-e|tts-|omni-moderation|codex)/, 'openai'],
  [/(^|[/.:@])claude/, 'anthropic'],
  [/(^|[/.:@])(gemini|gemma|text-embedding-00|textembedding-gecko|palm|bison)/, 'gcp.gemini'],
  [/(^|[/.:@])(mistral|mixtral|codestral|ministral|pixtral|magistral|devstral|open-mistral)/, 'mistral_ai'],
  [/(^|[/.:@])grok/, 'x_ai'],
  [/(^|[/.:@])deepseek/, 'deepseek'],
  [/(^|[/.:@])(command|embed-english|embed-multilingual|rerank-|c4ai)/, 'cohere'],
  [/(^|[/.:@])(llama|meta-llama|codellama)/, 'meta'],
  [/(^|[/.:@])(titan|nova-|amazon\.)/, 'amazon'],
  [/(^|[/.:@])(qwen|qwq)/, 'alibaba'],
  [/(^|[/.:@])phi-/, 'microsoft'],
  [/(^|[/.:@])jamba/, 'ai21'],
];

/** The vendor a model name gives away (`claude-…` → anthropic), or null. */
export function vendorOfModel(model: string): string | null {
  const name = model.toLowerCase();
  for (const [re, vendor] of MODEL_VENDORS) if (re.test(name)) return vendor;
  return null;
}
