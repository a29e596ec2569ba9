import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { expect, it } from 'vitest';
import { GuardedExporter } from './guarded-exporter.js';

/** Whatever the wrapped exporter does, the guard answers in time with an Error naming the target. */
const spans = [{}, {}] as ReadableSpan[];
const exportThrough = (inner: Partial<SpanExporter>, timeoutMs = 50) =>
  new Promise<ExportResult>((resolve) =>
    new GuardedExporter(inner as SpanExporter, 'http://collector/v1/traces', timeoutMs).export(spans, resolve),
  );

it('passes success through', async () => {
  expect(await exportThrough({ export: (_, done) => done({ code: ExportResultCode.SUCCESS }) })).toEqual({
    code: ExportResultCode.SUCCESS,
  });
});

it.each([
  [
    'a failure',
    { export: (_, done) => done({ code: ExportResultCode.FAILED, error: new Error('connect ECONNREFUSED') }) },
    'connect ECONNREFUSED',
  ],
  ['a failure without an error', { export: (_, done) => done({ code: ExportResultCode.FAILED }) }, 'the exporter reported a failure'],
  [
    'a throw of a non-Error',
    {
      export: () => {
        throw 'boom';
      },
    },
    'boom',
  ],
  ['no answer at all', { export: () => {} }, 'no answer within the export timeout (50 ms)'],
] satisfies [string, Partial<SpanExporter>, string][])('turns %s into an Error naming the endpoint', async (_, inner, reason) => {
  const result = await exportThrough(inner);
  expect(result.code).toBe(ExportResultCode.FAILED);
  expect(result.error).toBeInstanceOf(Error);
  expect(result.error?.message).toBe(`Sightline: could not export 2 spans to http://collector/v1/traces: ${reason}`);
});

it('bounds shutdown() by the timeout, and rejects with an Error', async () => {
  const hanging = new GuardedExporter({ shutdown: () => new Promise<void>(() => {}) } as SpanExporter, 'http://collector', 50);
  await expect(hanging.shutdown()).rejects.toThrow(
    'Sightline: shutting down the export to http://collector: did not finish within the export timeout (50 ms)',
  );
  const rejecting = new GuardedExporter({ shutdown: () => Promise.reject(['nope']) } as unknown as SpanExporter, 'http://collector', 50);
  await expect(rejecting.shutdown()).rejects.toThrow('Sightline: shutting down the export to http://collector: nope');
});
