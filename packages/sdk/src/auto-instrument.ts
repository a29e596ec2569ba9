import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { anthropicPrototype, patchAnthropicMessages } from './instrument/anthropic.js';
import { geminiPrototype, patchGeminiModels } from './instrument/gemini.js';
import type { InstrumentContext } from './instrument/instrument-context.js';
import { openAiPrototypes, patchOpenAiResources } from './instrument/openai.js';
import type { Patches } from './instrument/patches.js';

// biome-ignore lint/suspicious/noExplicitAny: module namespaces are untyped here
type Module = any;

/** The provider modules patched on `init()`, and how. */
const MODULES: readonly { name: string; patch(patches: Patches, ctx: InstrumentContext, mod: Module): number }[] = [
  { name: 'openai', patch: (p, ctx, mod) => patchOpenAiResources(p, ctx, openAiPrototypes(mod) ?? {}) },
  { name: '@anthropic-ai/sdk', patch: (p, ctx, mod) => patchAnthropicMessages(p, ctx, anthropicPrototype(mod)) },
  { name: '@google/genai', patch: (p, ctx, mod) => patchGeminiModels(p, ctx, geminiPrototype(mod)) },
];

/**
 * Patches the app's installed provider modules, both their CommonJS and ESM copies (an app
 * gets one or the other, and they are different classes). Resolved from the app's working
 * directory, so the app's own copy is the one patched. The CommonJS copies are patched before
 * this returns its promise, so a CommonJS app's first call is already seen; the ESM copies are
 * patched when the promise resolves. Resolves to the modules patched.
 */
export function autoInstrument(patches: Patches, ctx: InstrumentContext, from = `${process.cwd()}/`): Promise<string[]> {
  const done: string[] = [];
  const req = createRequire(from);
  const installed: { module: (typeof MODULES)[number]; path: string }[] = [];
  for (const m of MODULES) {
    let path: string;
    try {
      path = req.resolve(m.name);
    } catch {
      continue;
    }
    installed.push({ module: m, path });
    try {
      // Where `require` may load ES modules, the "CommonJS" entry can be the ESM copy.
      if (m.patch(patches, ctx, req(m.name)) > 0) done.push(`${m.name} (${path.endsWith('.mjs') ? 'ESM' : 'CommonJS'})`);
    } catch {
      // The CommonJS copy could not be loaded; the ESM one may still be.
    }
  }
  return (async () => {
    for (const { module: m, path } of installed) {
      try {
        if (m.patch(patches, ctx, await import(pathToFileURL(esmEntry(req, path)).href)) > 0) done.push(`${m.name} (ESM)`);
      } catch {
        // No ESM copy.
      }
    }
    return done;
  })();
}

/** The ESM entry of a package whose CommonJS entry is `cjsPath` (`index.js` or `index.cjs` → `index.mjs` where it exists). */
function esmEntry(req: NodeJS.Require, cjsPath: string): string {
  const mjs = cjsPath.replace(/\.c?js$/, '.mjs');
  try {
    return req.resolve(mjs);
  } catch {
    return cjsPath;
  }
}
