import { isAnthropicClient, patchAnthropicMessages } from './instrument/anthropic.js';
import { isGeminiClient, patchGeminiModels } from './instrument/gemini.js';
import { isOpenAiClient, openAiInstance, patchOpenAiResources } from './instrument/openai.js';
import { makeObserve } from './observe.js';
import { reportOnce } from './safe.js';
import { instrumentContext, manualPatches, uninstrumentModules } from './sdk.js';

export type { ExporterName, InitOptions, ResolvedConfig } from './config.js';
export { ConfigError } from './config.js';
export { type SessionScope, session, withSession } from './context.js';
export { LABEL_ATTRIBUTE_PREFIX, LabelError, type Labels } from './labels.js';
export { MemoryExporter } from './memory-exporter.js';
export type { ObserveKind, ObserveOptions } from './observe.js';
export { addLabel, type FlushOptions, getLabels, init, removeLabel, type Sightline, setLabels } from './sdk.js';
export { SDK_VERSION } from './version.js';

/** Wraps a function so each call is a span (see {@link ObserveOptions}). */
export const observe = makeObserve(instrumentContext);

/**
 * Instruments one client instance (the official `openai`, `@anthropic-ai/sdk` or `@google/genai` client) and returns it. A
 * client this SDK does not know is returned unchanged, with a warning.
 */
export function instrument<T extends object>(client: T): T {
  if (isOpenAiClient(client)) patchOpenAiResources(manualPatches, instrumentContext, openAiInstance(client));
  else if (isAnthropicClient(client)) patchAnthropicMessages(manualPatches, instrumentContext, (client as { messages: object }).messages);
  else if (isGeminiClient(client)) patchGeminiModels(manualPatches, instrumentContext, (client as { models: object }).models);
  else
    reportOnce(
      'sightline: instrument()',
      new Error('not a client this SDK instruments (supported: openai, @anthropic-ai/sdk, @google/genai)'),
    );
  return client;
}

/** Restores every method this SDK patched, on instances and installed modules alike. */
export function uninstrument(): void {
  manualPatches.restore();
  uninstrumentModules();
}
