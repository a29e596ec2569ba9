import { expect } from 'vitest';
import type { LlmCall } from '../packages/core/src/llm/llm-call.js';
import { normalizeSpan } from '../packages/core/src/llm/normalize.js';
import type { Span } from '../packages/core/src/model/span.js';

/** Fields that come from what the call said, which ingest does not read (see `NormalizeOptions`). */
const CONTENT_FIELDS = [
  'inputMessages',
  'outputMessages',
  'toolCalls',
  'toolCallCount',
  'finishReasons',
  'parameters',
  'provenance',
] as const;

/**
 * Reads a span as an LLM call, as the API shows it, and checks on the way that reading
 * without content (as ingest does) gives the same figures.
 */
export function readCall(span: Span): LlmCall | null {
  const full = normalizeSpan(span);
  const light = normalizeSpan(span, { content: false });
  expect(figures(light)).toEqual(figures(full));
  return full;
}

function figures(call: LlmCall | null): Record<string, unknown> | null {
  if (!call) return null;
  const out: Record<string, unknown> = { ...call };
  for (const f of CONTENT_FIELDS) delete out[f];
  return out;
}
