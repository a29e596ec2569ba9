import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { anthropicPrototype, patchAnthropicMessages } from './instrument/anthropic.js';
import type { InstrumentContext } from './instrument/instrument-context.js';
import { openAiPrototypes, patchOpenAiResources } from './instrument/openai.js';
import type { Patches } from './instrument/patches.js';

// biome-ignore lint/suspicious/noExplicitAny: module namespaces are untyped here
type Module = any;

/** The provider modules patched on `init()`, and how. */
const MODULES: readonly { name: string; patch(patches: Patches, ctx: InstrumentContext, mod: Module): number }[] = [
  { name: 'openai', patch: (p, ctx, mod) => patchOpenAiResources(p, ctx, openAiPrototypes(mod) ?? {}) },
  { name: '@anthropic-ai/sdk', patch: (p, ctx, mod) => patchAnthropicMessages(p, ctx, anthropicPrototype(mod)) },
];

/**
 * Patches the app's installed provider modules, both their CommonJS and ESM copies (an app
 * gets one or the other, and they are different classes). Resolved from the app's working
 * directory, so the app's own copy is the one patched. Returns the modules patched.
 */
export async function autoInstrument(patches: Patches, ctx: InstrumentContext, from = `${process.cwd()}/`): Promise<string[]> {
  const done: string[] = [];
  const req = createRequire(from);
  for (const m of MODULES) {
    let path: string;
    try {
      path = req.resolve(m.name);
    } catch {
      continue;
    }
    try {
      if (m.patch(patches, ctx, req(m.name)) > 0) done.push(`${m.name} (CommonJS)`);
    } catch {
      // The CommonJS copy could not be loaded; the ESM one may still be.
    }
    try {
      if (m.patch(patches, ctx, await import(pathToFileURL(esmEntry(req, path)).href)) > 0) done.push(`${m.name} (ESM)`);
    } catch {
      // No ESM copy.
    }
  }
  return done;
}

/** The ESM entry of a package whose CommonJS entry is `cjsPath` (`index.js` → `index.mjs` where it exists). */
function esmEntry(req: NodeJS.Require, cjsPath: string): string {
  const mjs = cjsPath.replace(/\.js$/, '.mjs');
  try {
    return req.resolve(mjs);
  } catch {
    return cjsPath;
  }
}
