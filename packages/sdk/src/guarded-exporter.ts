import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { asError } from './export-error.js';
import { withinTimeout } from './within-timeout.js';

/**
 * Wraps the exporter that talks to a collector so that the app is never held up by it: every
 * export answers within `timeoutMs` (whatever the collector does — refuse, answer 503, or
 * accept and never reply), and a failure is an `Error` that names the endpoint and the span
 * count. The deadline timer is always cleared when the export settles, so it can delay exit by
 * at most `timeoutMs`.
 */
export class GuardedExporter implements SpanExporter {
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly inner: SpanExporter,
    /** Where spans go, for messages: the endpoint URL or the exporter's name. */
    private readonly target: string,
    private readonly timeoutMs: number,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    let settled = false;
    const failed = (cause: unknown): ExportResult => ({
      code: ExportResultCode.FAILED,
      error: asError(cause, `Sightline: could not export ${spanCount(spans.length)} to ${this.target}`),
    });
    const finish = (result: ExportResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done(result.code === ExportResultCode.SUCCESS ? result : failed(this.explain(result.error)));
    };
    const timer = setTimeout(() => finish(failed(`no answer within the export timeout (${this.timeoutMs} ms)`)), this.timeoutMs);
    try {
      this.inner.export(spans, finish);
    } catch (err) {
      finish(failed(err));
    }
  }

  /** OpenTelemetry's message for "retried until the deadline" names no status; say what happened. */
  private explain(error: Error | undefined): Error | string {
    if (!error) return 'the exporter reported a failure';
    if (error.message !== 'Export failed with retryable status') return error;
    return `the collector answered busy (HTTP 429, 502, 503 or 504) and retrying within the export timeout (${this.timeoutMs} ms) did not succeed`;
  }

  shutdown(): Promise<void> {
    this.stopping ??= withinTimeout(() => this.inner.shutdown(), this.timeoutMs, `Sightline: shutting down the export to ${this.target}`);
    return this.stopping;
  }

  forceFlush(): Promise<void> {
    const flush = this.inner.forceFlush?.bind(this.inner);
    if (!flush) return Promise.resolve();
    return withinTimeout(flush, this.timeoutMs, `Sightline: flushing the export to ${this.target}`);
  }
}

function spanCount(n: number): string {
  return n === 1 ? '1 span' : `${n} spans`;
}
