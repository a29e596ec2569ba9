import { asError } from './export-error.js';

/**
 * Runs `work` and settles within `ms`: a rejection (of any value) or the deadline becomes an
 * `Error` prefixed with `what`. The timer is cleared as soon as `work` settles, so it holds the
 * process for at most `ms`; `work` itself is left to finish or fail on its own.
 */
export function withinTimeout(work: () => Promise<unknown>, ms: number, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(asError(`did not finish within the export timeout (${ms} ms)`, what)), ms);
    const settle = (failed: boolean, err?: unknown) => {
      clearTimeout(timer);
      if (failed) reject(asError(err, what));
      else resolve();
    };
    try {
      work().then(
        () => settle(false),
        (err: unknown) => settle(true, err),
      );
    } catch (err) {
      settle(true, err);
    }
  });
}
