/**
 * Model names as providers and gateways spell them, reduced step by step to what a price table
 * knows: `openai/gpt-4o`, `us.anthropic.claude-3-5-sonnet-20240620-v1:0` (Bedrock),
 * `publishers/google/models/gemini-2.5-pro` and `claude-3-5-sonnet@20240620` (Vertex),
 * `models/gemini-2.0-flash`, date suffixes, `-latest`.
 */

const BEDROCK_REGION = /^(us|eu|apac|ap|global|us-gov|jp|au|ca)\./;
const VENDOR_PREFIX =
  /^(anthropic|meta|amazon|cohere|mistral|ai21|deepseek|openai|qwen|writer|twelvelabs|stability|google|xai|moonshot|minimax)\./;
const BEDROCK_VERSION = /-v\d+(:\d+)?$/;
const VERTEX_VERSION = /@[\w.-]+$/;
const DATE_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{8}|\d{2}-\d{2}|\d{4})$/;

/** Lower case, trimmed. */
export function exactName(model: string): string {
  return model.trim().toLowerCase();
}

/** Without paths, regions, vendor prefixes and platform version tags. */
export function baseName(model: string): string {
  let name = exactName(model);
  if (name.startsWith('ft:')) name = name.slice(3).split(':')[0] ?? name;
  const slash = name.lastIndexOf('/');
  if (slash >= 0) name = name.slice(slash + 1);
  name = name.replace(VERTEX_VERSION, '');
  name = name.replace(BEDROCK_REGION, '');
  name = name.replace(VENDOR_PREFIX, '');
  name = name.replace(BEDROCK_VERSION, '');
  return name;
}

/** The base name without a date or `-latest` suffix: the model family. */
export function familyName(model: string): string {
  let name = baseName(model);
  for (let i = 0; i < 2; i++) name = name.replace(/-latest$/, '').replace(DATE_SUFFIX, '');
  return name;
}
