import type { Span } from '../model/span.js';
import { keyPrefixes } from './key-prefixes.js';
import { langfuse } from './vocabularies/langfuse.js';
import { llamaStack } from './vocabularies/llama-stack.js';
import { openInference } from './vocabularies/openinference.js';
import { openLlmetry } from './vocabularies/openllmetry.js';
import { otelGenAi } from './vocabularies/otel-genai.js';
import { plano } from './vocabularies/plano.js';
import { racto } from './vocabularies/racto.js';
import { vercelAi } from './vocabularies/vercel-ai.js';
import type { Vocabulary } from './vocabulary.js';

/**
 * Every vocabulary, in detection precedence: the most specific markers first, plain
 * OpenTelemetry GenAI (whose `gen_ai.*` keys others reuse) last.
 */
export const VOCABULARIES: readonly Vocabulary[] = [langfuse, openInference, vercelAi, openLlmetry, plano, racto, llamaStack, otelGenAi];

/** The vocabulary a span speaks, or null when it carries no LLM vocabulary at all. */
export function detectVocabulary(span: Span, prefixes = keyPrefixes(span.attributes)): Vocabulary | null {
  for (const v of VOCABULARIES) if (v.detect(span, prefixes)) return v;
  return null;
}
