import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
/** A full collection, for tests that watch what memory is let go (`--expose-gc` without the flag on the command line). */
const gc = runInNewContext('gc') as () => void;

/**
 * A few full collections, each in a later turn of the event loop: a weak reference lets go
 * only after the job that made it, and a request's work settles over a few turns.
 */
export async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    gc();
  }
}
