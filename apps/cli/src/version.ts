import { createRequire } from 'node:module';

/** The `sightline` command's version (its package's), read without loading the server. */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
