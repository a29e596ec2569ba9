import type { Span } from '../model/span.js';
import { asNumber, asString } from './values.js';

/**
 * Which layer of an app recorded a model call, as far as the span tells:
 * - `framework` — an LLM framework's record of it (LangChain, LlamaIndex, the Vercel AI SDK's
 *   `ai.*` spans, an agent framework), which calls a provider client underneath;
 * - `client` — the provider client's own instrumentation (the openai, anthropic, bedrock …
 *   instrumentors, Logfire's client spans, `@sightline/sdk`);
 * - `stream-end` — a record a client instrumentation emits apart from its request span when a
 *   streamed response has been read to its end (Logfire's "streaming response from … took …s").
 *
 * Two instrumentations of one client can record one call twice without one nesting the other;
 * these roles are what tells such a pair from two calls made side by side (see `findDuplicates`).
 */
export type CallRole = 'framework' | 'client' | 'stream-end';

/** Instrumentation names (what is left of a scope name once its family prefix is cut) of frameworks. */
const FRAMEWORKS = new Set([
  'langchain',
  'langgraph',
  'llama_index',
  'llamaindex',
  'haystack',
  'dspy',
  'crewai',
  'autogen',
  'autogen_agentchat',
  'smolagents',
  'openai_agents',
  'agno',
  'google_adk',
  'pydantic_ai',
  'beeai',
  'mastra',
  'semantic_kernel',
  'instructor',
]);

/** Instrumentation names of provider clients. */
const CLIENTS = new Set([
  'openai',
  'openai_v2',
  'anthropic',
  'bedrock',
  'botocore',
  'mistralai',
  'groq',
  'vertexai',
  'vertex_ai',
  'google_genai',
  'google_generativeai',
  'cohere',
  'ollama',
  'together',
  'replicate',
  'watsonx',
  'sagemaker',
  'litellm',
  'azure_ai_inference',
]);

/** Scope-name prefixes of the instrumentation families, in the spellings their packages use. */
const FAMILY_PREFIXES = [
  'openinference.instrumentation.',
  '@arizeai/openinference-instrumentation-',
  'opentelemetry.instrumentation.',
  '@opentelemetry/instrumentation-',
  '@traceloop/instrumentation-',
  'logfire.',
];

/** Whole scope names with a known role. */
const SCOPES: ReadonlyMap<string, CallRole> = new Map([
  // The Vercel AI SDK's tracer.
  ['ai', 'framework'],
  ['pydantic-ai', 'framework'],
  ['@sightline/sdk', 'client'],
  // The Python SDK's tracer.
  ['sightline', 'client'],
]);

/** Logfire writes the message template as the span name, and in `logfire.msg_template`. */
const STREAM_TEMPLATE = /^streaming response (from .* )?took /;

/**
 * The role of the instrumentation that recorded a call's span, or null when the span does not
 * tell (an unknown scope): a call with no role is never matched by role.
 */
export function callRole(span: Span): CallRole | null {
  if (streamEndDurationMs(span) !== null) return 'stream-end';
  if (Object.hasOwn(span.attributes, 'ai.operationId')) return 'framework';
  const scope = span.scope.name.toLowerCase();
  const known = SCOPES.get(scope);
  if (known) return known;
  for (const prefix of FAMILY_PREFIXES) {
    if (!scope.startsWith(prefix)) continue;
    const name = scope.slice(prefix.length).replaceAll('-', '_');
    if (FRAMEWORKS.has(name)) return 'framework';
    if (CLIENTS.has(name)) return 'client';
    return null;
  }
  return null;
}

/**
 * For Logfire's record of a streamed response — a log (a span that starts where it ends) sent
 * when the stream was read to its end, beside the request span, which ended when the stream
 * opened — the time the stream took, from its `duration` attribute (seconds), in ms. Null for
 * any other span. That record's call lasted this long, not the zero its span shows.
 */
export function streamEndDurationMs(span: Span): number | null {
  const attrs = span.attributes;
  if (asString(attrs['logfire.span_type']) !== 'log') return null;
  const template = asString(attrs['logfire.msg_template']) ?? span.name;
  if (!STREAM_TEMPLATE.test(template)) return null;
  const seconds = asNumber(attrs.duration);
  return seconds === null || !(seconds >= 0) ? null : seconds * 1000;
}
