import { type Style, styleFor } from '../terminal/style.js';
import { type Column, renderTable } from '../terminal/table.js';

/** How list commands print: styled and as wide as the terminal, or plain and wide in a pipe. */
export function outputStyle(): { style: Style; width: number } {
  const tty = process.stdout.isTTY === true;
  return { style: styleFor(tty), width: tty ? process.stdout.columns || 100 : 200 };
}

/** Rows as a table fitted to the terminal, or `empty` when there are none. */
export function printTable<R>(rows: readonly R[], columns: (style: Style) => Column<R>[], empty: string): void {
  const { style, width } = outputStyle();
  if (rows.length === 0) {
    process.stdout.write(`${empty}\n`);
    return;
  }
  process.stdout.write(`${renderTable(rows, columns(style), width, style).join('\n')}\n`);
}

/** A line saying there is more, and how to see it. */
export function moreNote(shown: number, next: string | null): void {
  if (next) process.stderr.write(`(${shown} shown; more match — raise --limit or narrow the filters)\n`);
}
