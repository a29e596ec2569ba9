/**
 * One spelling per vendor. Sources name providers differently (`x_ai` and `xai`, `mistral_ai`
 * and `mistralai`, `Anthropic`, `az.ai.openai`, Vercel's `openai.chat`), and some name the
 * platform that hosted the model rather than its maker (`aws.bedrock`, `gcp.vertex_ai`,
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
  google: 'google',
  gemini: 'google',
  'gcp.gemini': 'google',
  'google.generative-ai': 'google',
  'google-genai': 'google',
  vertexai: 'google',
  mistral: 'mistral',
  mistralai: 'mistral',
  mistral_ai: 'mistral',
  xai: 'xai',
  x_ai: 'xai',
  'x-ai': 'xai',
  deepseek: 'deepseek',
  cohere: 'cohere',
  meta: 'meta',
  amazon: 'amazon',
  ai21: 'ai21',
  ibm: 'ibm',
  'ibm.watsonx.ai': 'ibm',
  watsonx: 'ibm',
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
  'gcp.gemini': 'gcp.gemini',
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

/** Reads a raw provider name. `vercel` strips Vercel's API suffix (`openai.chat` → `openai`). */
export function parseProviderName(raw: string, vercel = false): ProviderName {
  let name = raw.trim().toLowerCase();
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

const MODEL_VENDORS: [RegExp, string][] = [
  [/(^|[/.:@])(gpt-|o1|o3|o4|chatgpt|text-embedding|davinci|babbage|whisper|dall-e|tts-|omni-moderation|codex)/, 'openai'],
  [/(^|[/.:@])claude/, 'anthropic'],
  [/(^|[/.:@])(gemini|gemma|text-embedding-00|textembedding-gecko|palm|bison)/, 'google'],
  [/(^|[/.:@])(mistral|mixtral|codestral|ministral|pixtral|magistral|devstral|open-mistral)/, 'mistral'],
  [/(^|[/.:@])grok/, 'xai'],
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
