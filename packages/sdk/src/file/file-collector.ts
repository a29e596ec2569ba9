import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { reportOnce } from '../safe.js';

/** Spans kept for the file export at most; beyond it the oldest are dropped (with one warning) rather than grow without end. */
export const MAX_PENDING_SPANS = 200_000;

/** Holds finished spans until the next file flush takes them. */
export class FileCollector implements SpanExporter {
  private pending: ReadableSpan[] = [];

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.pending.push(...spans);
    if (this.pending.length > MAX_PENDING_SPANS) {
      this.pending.splice(0, this.pending.length - MAX_PENDING_SPANS);
      reportOnce(
        'sightline: file export',
        new Error(`more than ${MAX_PENDING_SPANS} spans since the last flush; the oldest were dropped — call flush() more often`),
      );
    }
    done({ code: ExportResultCode.SUCCESS });
  }

  /** The spans since the last call, in the order they ended. */
  take(): ReadableSpan[] {
    const spans = this.pending;
    this.pending = [];
    return spans;
  }

  /** Puts spans back (a write failed), ahead of any that came since. */
  putBack(spans: ReadableSpan[]): void {
    this.pending = spans.concat(this.pending);
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}
