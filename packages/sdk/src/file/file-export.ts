import { exportDocument } from './export-document.js';
import { FileCollector } from './file-collector.js';
import { outputPath, writeDocument } from './file-output.js';

/** The JSON file export: spans collected as they end, written as one document per flush. */
export class FileExport {
  readonly collector = new FileCollector();

  /** @param target the configured path (`out` / `SIGHTLINE_OUT`), or null for the working directory. */
  constructor(private readonly target: string | null) {}

  /**
   * Writes what was captured since the last write to `file` (else the configured target) and
   * returns the path. With nothing captured, writes only when a file was asked for.
   */
  write(file?: string): string | null {
    const spans = this.collector.take();
    if (spans.length === 0 && file === undefined) return null;
    try {
      const doc = exportDocument(spans, new Date());
      const path = outputPath(file ?? this.target, doc, process.cwd());
      writeDocument(path, doc);
      return path;
    } catch (err) {
      this.collector.putBack(spans);
      throw err;
    }
  }
}
