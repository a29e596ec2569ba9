import { count } from './format.js';

/**
 * A progress bar on stderr for long work, redrawn in place at most every 100 ms — only on a
 * terminal (in a pipe or a file it writes nothing, and the final line says what was done).
 */
export class Progress {
  private last = 0;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit: string,
    stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = stream.isTTY === true;
    this.stream = stream;
  }

  private readonly stream: NodeJS.WriteStream;

  update(done: number): void {
    if (!this.tty || Date.now() - this.last < 100) return;
    this.last = Date.now();
    const width = Math.max(10, Math.min(40, (this.stream.columns || 80) - 50));
    const share = this.total > 0 ? Math.min(1, done / this.total) : 0;
    const filled = Math.round(share * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    this.stream.write(`\r${this.label} ▕${bar}▏ ${Math.round(share * 100)}%  ${count(done)}/${count(this.total)} ${this.unit}\x1b[K`);
  }

  /** Clears the bar. */
  done(): void {
    if (this.tty) this.stream.write('\r\x1b[K');
  }
}
