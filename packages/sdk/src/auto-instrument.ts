import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { type InstrumentContext, openAiPrototypes, patchOpenAiResources } from './instrument/openai.js';
import type { Patches } from './instrument/patches.js';

/**
 * Patches the app's installed provider modules, both their CommonJS and ESM copies (an app
 * gets one or the other, and they are different classes). Resolved from the app's working
 * directory, so the app's own copy is the one patched. Returns the modules patched.
 */
export async function autoInstrument(patches: Patches, ctx: InstrumentContext, from = `${process.cwd()}/`): Promise<string[]> {
  const done: string[] = [];
  const req = createRequire(from);
  let path: string;
  try {
    path = req.resolve('openai');
  } catch {
    return done;
  }
  try {
    if (patchOpenAiResources(patches, ctx, openAiPrototypes(req('openai')) ?? {}) > 0) done.push('openai (CommonJS)');
  } catch {
    // The CommonJS copy could not be loaded; the ESM one may still be.
  }
  try {
    const esm = await import(pathToFileURL(esmEntry(req, path)).href);
    if (patchOpenAiResources(patches, ctx, openAiPrototypes(esm) ?? {}) > 0) done.push('openai (ESM)');
  } catch {
    // No ESM copy.
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
