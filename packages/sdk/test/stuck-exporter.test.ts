import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { expect, it } from 'vitest';
import { init, observe } from '../src/index.js';

/** An exporter of the app's own that never answers: flush() and shutdown() still settle, with Errors, and the SDK stops. */
class StuckExporter implements SpanExporter {
  export(_spans: ReadableSpan[], _done: (result: ExportResult) => void): void {}
  shutdown(): Promise<void> {
    return new Promise(() => {});
  }
}

it('bounds flush() and shutdown() by exportTimeoutMs, rejecting with Errors that say why', async () => {
  const sdk = init({ exporter: new StuckExporter(), exportTimeoutMs: 200, autoInstrument: false });
  observe(() => 1, { name: 'work' })();
  await expect(sdk.flush()).rejects.toThrow(
    'Sightline: could not export 1 span to StuckExporter: no answer within the export timeout (200 ms)',
  );

  observe(() => 2, { name: 'more' })();
  const started = Date.now();
  const stopped = await sdk.shutdown().then(
    () => null,
    (err: unknown) => err,
  );
  expect(stopped).toBeInstanceOf(Error);
  expect((stopped as Error).message).toBe(
    'Sightline: could not export 1 span to StuckExporter: no answer within the export timeout (200 ms)',
  );
  expect(Date.now() - started).toBeLessThan(200 + 1_000 + 2_000);

  // Stopped all the same: a new init() starts afresh.
  const again = init({ exporter: 'memory', autoInstrument: false });
  expect(again).not.toBe(sdk);
  await again.shutdown();
});
