import type { AnyValue } from '../../model/any-value.js';
import { asStructured } from '../values.js';

type Plain = Record<string, unknown>;
const isObject = (v: unknown): v is Plain => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** What LangChain's own result says of a call that OpenInference's span keys leave out. */
export interface LangChainResult {
  /** The answer came as chunks (`.stream()`): its generation is a `ChatGenerationChunk`. */
  readonly streamed: boolean;
  /** The model that answered, as the provider named it (`response_metadata.model_name`). */
  readonly servedModel: string | null;
}

/**
 * Reads the first generation of an `LLMResult` serialized in `output.value` (OpenInference's
 * LangChain instrumentation). `llm.model_name` there is the requested model, and
 * `llm.invocation_parameters.stream` is the chat model's `streaming` setting, not whether this
 * call streamed: both are told only by the result.
 *
 * @example
 * langChainResult('{"generations":[[{"type":"ChatGenerationChunk","generation_info":{"model_name":"gpt-4o-mini-2024-07-18"}}]]}')
 * // → { streamed: true, servedModel: 'gpt-4o-mini-2024-07-18' }
 */
export function langChainResult(output: AnyValue | undefined): LangChainResult | null {
  const value = asStructured(output);
  if (!isObject(value) || !Array.isArray(value.generations)) return null;
  const first = Array.isArray(value.generations[0]) ? value.generations[0][0] : undefined;
  if (!isObject(first)) return null;
  const message = isObject(first.message) ? first.message : {};
  const kwargs = isObject(message.kwargs) ? message.kwargs : {};
  const metadata = isObject(kwargs.response_metadata) ? kwargs.response_metadata : {};
  const info = isObject(first.generation_info) ? first.generation_info : {};
  const llmOutput = isObject(value.llm_output) ? value.llm_output : {};
  return {
    streamed: first.type === 'ChatGenerationChunk' || kwargs.type === 'AIMessageChunk',
    servedModel: str(metadata.model_name) ?? str(info.model_name) ?? str(llmOutput.model_name),
  };
}
