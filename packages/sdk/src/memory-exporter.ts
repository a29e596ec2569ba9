import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** Keeps finished spans in memory, for tests: `spans` in the order they ended, `clear()` to start over. */
export class MemoryExporter implements SpanExporter {
  private finished: ReadableSpan[] = [];
  private stopped = false;

  get spans(): readonly ReadableSpan[] {
    return this.finished;
  }

  clear(): void {
    this.finished = [];
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    if (this.stopped) {
      done({ code: ExportResultCode.FAILED, error: new Error('the memory exporter is shut down') });
      return;
    }
    this.finished.push(...spans);
    done({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}
