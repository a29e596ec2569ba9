import { clip, visibleWidth } from './format.js';
import type { Style } from './style.js';

/** A column of a console table. */
export interface Column<R> {
  readonly header: string;
  readonly align: 'left' | 'right';
  /** Which columns go first when the terminal is narrow: the highest number first. */
  readonly drop: number;
  readonly cell: (row: R) => string;
  /** Colours a cell, given its padded text. */
  readonly color?: (row: R, text: string) => string;
  /** A column that may be cut down to this many characters before others are dropped. */
  readonly shrinkTo?: number;
}

const GAP = '  ';

/**
 * Rows under a header, each column as wide as its widest cell, fitted to `width`: columns that
 * may shrink are cut first (with "…"), then columns are dropped, least needed first. A column
 * empty in every row is not shown.
 */
export function renderTable<R>(rows: readonly R[], columns: readonly Column<R>[], width: number, style: Style): string[] {
  const texts = rows.map((r) => columns.map((c) => c.cell(r)));
  let widths = columns.map((c, i) => Math.max(visibleWidth(c.header), ...texts.map((t) => visibleWidth(t[i] as string))));
  // A column with nothing in any row is left out.
  let shown = columns.map((_, i) => i).filter((i) => rows.length === 0 || texts.some((t) => t[i] !== ''));
  const total = () => shown.reduce((n, i) => n + (widths[i] as number), 0) + GAP.length * Math.max(0, shown.length - 1) + 1;
  while (total() > width && shown.length > 1) {
    const over = total() - width;
    const shrinkable = shown.find((i) => (columns[i]?.shrinkTo ?? Number.POSITIVE_INFINITY) < (widths[i] as number));
    if (shrinkable !== undefined) {
      widths = widths.map((w, i) => (i === shrinkable ? Math.max(columns[i]?.shrinkTo as number, w - over) : w));
      continue;
    }
    const dropped = shown.reduce((a, b) => ((columns[b]?.drop ?? 0) > (columns[a]?.drop ?? 0) ? b : a));
    shown = shown.filter((i) => i !== dropped);
  }
  const line = (cells: (i: number) => string) => ` ${shown.map(cells).join(GAP)}`.trimEnd();
  const last = shown.at(-1);
  const pad = (text: string, i: number) => {
    const w = widths[i] as number;
    const cut = visibleWidth(text) > w ? clip(text, w) : text;
    const space = ' '.repeat(Math.max(0, w - visibleWidth(cut)));
    if (columns[i]?.align === 'right') return space + cut;
    // No trailing blanks after the last column.
    return i === last ? cut : cut + space;
  };
  return [
    style.dim(line((i) => pad(columns[i]?.header as string, i))),
    ...rows.map((r, k) =>
      line((i) => {
        const text = pad(texts[k]?.[i] as string, i);
        const color = columns[i]?.color;
        return color ? color(r, text) : text;
      }),
    ),
  ];
}
