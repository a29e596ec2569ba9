import { exportDocument } from './export-document.js';
import { FileCollector } from './file-collector.js';
import { outputPath, readDocument, writeDocument } from './file-output.js';

/** The JSON file export: spans collected as they end, written as one document per flush. */
export class FileExport {
  readonly collector = new FileCollector();
  /** Files this process wrote: writing one again adds to it rather than replacing it. */
  private readonly written = new Set<string>();

  /** @param target the configured path (`out` / `SIGHTLINE_OUT`), or null for the working directory. */
  constructor(private readonly target: string | null) {}

  /**
   * Writes what was captured since the last write to `file` (else the configured target) and
   * returns the path. With nothing captured, writes only when a file was asked for. A file
   * written earlier by this process keeps its spans: the new ones are added.
   */
  write(file?: string): string | null {
    const spans = this.collector.take();
    if (spans.length === 0 && file === undefined) return null;
    try {
      const now = new Date();
      let doc = exportDocument(spans, now);
      const path = outputPath(file ?? this.target, doc, process.cwd());
      const earlier = this.written.has(path) ? readDocument(path) : null;
      if (earlier) doc = exportDocument(spans, now, earlier);
      writeDocument(path, doc);
      this.written.add(path);
      return path;
    } catch (err) {
      this.collector.putBack(spans);
      throw err;
    }
  }
}
