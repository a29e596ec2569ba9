import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { type ResourceLimits, Worker } from 'node:worker_threads';

/**
 * `sightline` starts node with `--max-semi-space-size` for the main thread's young generation;
 * V8 would apply that flag to every isolate made later too, overriding each worker's
 * `maxYoungGenerationSizeMb`. Unset once the main heap exists, it leaves each worker's young
 * generation to its own `resourceLimits`: the writer's garbage differs from the main thread's.
 */
let youngSizesOwnedByWorkers = false;
function letWorkersSizeTheirYoungGeneration(): void {
  if (youngSizesOwnedByWorkers) return;
  setFlagsFromString('--max-semi-space-size=0');
  youngSizesOwnedByWorkers = true;
}

/**
 * A worker thread running the module `name` of this package (`writer-worker`, …): the
 * compiled `.js` next to this file, or — when this file is the TypeScript source, as in tests
 * run from source — the `.ts` source loaded through tsx.
 */
export function moduleWorker(name: string, workerData: unknown, resourceLimits: ResourceLimits): Worker {
  letWorkersSizeTheirYoungGeneration();
  const here = import.meta.url;
  if (here.endsWith('.js')) return new Worker(new URL(`./${name}.js`, here), { workerData, resourceLimits });
  // import.meta.resolve picks tsx's ESM entry; test runners that lack it get the CommonJS one.
  const tsx =
    typeof import.meta.resolve === 'function'
      ? import.meta.resolve('tsx/esm/api')
      : pathToFileURL(createRequire(here).resolve('tsx/esm/api')).href;
  const target = new URL(`./${name}.ts`, here).href;
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(target)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), {
    workerData,
    resourceLimits,
    execArgv: ['--conditions=@sightline/source'],
  });
}
