import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { type ResourceLimits, Worker } from 'node:worker_threads';

/**
 * A worker thread running the module `name` of this package (`writer-worker`, …): the
 * compiled `.js` next to this file, or — when this file is the TypeScript source, as in tests
 * run from source — the `.ts` source loaded through tsx.
 */
export function moduleWorker(name: string, workerData: unknown, resourceLimits: ResourceLimits): Worker {
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
