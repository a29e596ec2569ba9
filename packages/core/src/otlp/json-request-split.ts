/**
 * Splitting a large OTLP/JSON export request so it can be parsed in steps: one `JSON.parse` of
 * a 20 MiB body holds the event loop for 100 ms or more, and there is no streaming parser to
 * hand. The text is scanned (in steps too) for the arrays of items (spans, log records); what
 * is left, the request with those arrays emptied, is small enough to parse in one go, and the
 * items are parsed later, a few thousand at a time, from their places in the text.
 */

/** The names of the levels to find, each in lowerCamelCase and snake_case. */
export interface SplitNames {
  readonly resources: readonly [string, string];
  readonly scopes: readonly [string, string];
  readonly items: readonly [string, string];
}

/** One array of items: where it sits, and where each of its elements lies in the text. */
export interface ItemArray {
  readonly resource: number;
  readonly scope: number;
  /** Element k is `text.slice(starts[k], ends[k])`. */
  readonly starts: number[];
  readonly ends: number[];
}

export interface SplitRequest {
  /** The request with every item array written as `[]`. */
  readonly skeleton: string;
  /** The item arrays, keyed `${resource}:${scope}` by their indexes in the request. */
  readonly arrays: Map<string, ItemArray>;
}

/**
 * Scans `text` and yields after about every `charsPerStep` characters. Returns null when the
 * text is not shaped as the splitter expects (not JSON, a level's key written with escapes,
 * a key given twice): the caller parses it whole, as it would have, and so gets the same
 * answer, or the same error.
 */
export function* splitExportRequest(text: string, names: SplitNames, charsPerStep: number): Generator<void, SplitRequest | null> {
  const scan = new Scanner(text);
  const arrays = new Map<string, ItemArray>();
  const cuts: [number, number][] = [];
  let nextYield = charsPerStep;

  /** Walks an object whose keys in `wanted` lead to `onValue`; other values are skipped. */
  function* object(wanted: readonly [string, string], onValue: () => Generator<void, boolean>): Generator<void, boolean> {
    if (!scan.take(0x7b /* { */)) return false;
    let seen = false;
    if (scan.take(0x7d /* } */)) return true;
    for (;;) {
      const key = scan.key();
      if (key === null || !scan.take(0x3a /* : */)) return false;
      if (key === wanted[0] || key === wanted[1]) {
        // Given twice (or in both spellings): which one counts is JSON.parse's business.
        if (seen) return false;
        seen = true;
        if (!(yield* onValue())) return false;
      } else if (!scan.skipValue()) return false;
      if (scan.take(0x2c /* , */)) continue;
      return scan.take(0x7d);
    }
  }

  /** Walks an array, calling `element(index)` on each element that is an object; others are skipped. */
  function* array(element: (index: number) => Generator<void, boolean>): Generator<void, boolean> {
    if (!scan.isAt(0x5b /* [ */)) return scan.skipValue();
    scan.take(0x5b);
    if (scan.take(0x5d /* ] */)) return true;
    for (let index = 0; ; index++) {
      if (scan.isAt(0x7b)) {
        if (!(yield* element(index))) return false;
      } else if (!scan.skipValue()) return false;
      if (scan.take(0x2c)) continue;
      return scan.take(0x5d);
    }
  }

  function* items(resource: number, scope: number): Generator<void, boolean> {
    if (!scan.isAt(0x5b)) return scan.skipValue();
    const open = scan.at();
    scan.take(0x5b);
    const starts: number[] = [];
    const ends: number[] = [];
    if (!scan.take(0x5d)) {
      for (;;) {
        starts.push(scan.at());
        if (!scan.skipValue()) return false;
        ends.push(scan.pos);
        if (scan.pos >= nextYield) {
          yield;
          nextYield = scan.pos + charsPerStep;
        }
        if (scan.take(0x2c)) continue;
        if (!scan.take(0x5d)) return false;
        break;
      }
    }
    cuts.push([open, scan.pos]);
    arrays.set(`${resource}:${scope}`, { resource, scope, starts, ends });
    return true;
  }

  const ok = yield* object(names.resources, () =>
    array((r) => object(names.scopes, () => array((s) => object(names.items, () => items(r, s))))),
  );
  if (!ok || !scan.atEnd()) return null;
  let skeleton = '';
  let from = 0;
  for (const [open, close] of cuts) {
    skeleton += `${text.slice(from, open)}[]`;
    from = close;
  }
  skeleton += text.slice(from);
  return { skeleton, arrays };
}

/** A cursor over JSON text that reads structure, not values. */
class Scanner {
  pos = 0;

  constructor(private readonly text: string) {}

  /** Skips whitespace; the position of what comes next. */
  at(): number {
    const t = this.text;
    let c = t.charCodeAt(this.pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = t.charCodeAt(++this.pos);
    return this.pos;
  }

  isAt(c: number): boolean {
    return this.text.charCodeAt(this.at()) === c;
  }

  /** Takes `c` if it comes next. */
  take(c: number): boolean {
    if (!this.isAt(c)) return false;
    this.pos++;
    return true;
  }

  atEnd(): boolean {
    return this.at() === this.text.length;
  }

  /** A key written without escapes, or null. */
  key(): string | null {
    const start = this.at();
    if (this.text.charCodeAt(start) !== 0x22) return null;
    const end = this.stringEnd(start);
    if (end < 0) return null;
    this.pos = end;
    const key = this.text.slice(start + 1, end - 1);
    return key.includes('\\') ? null : key;
  }

  /**
   * Skips one value of any kind. Strings and nesting are followed exactly; what lies between
   * them (numbers, literals) is not checked here: the parse of the value does that.
   */
  skipValue(): boolean {
    const t = this.text;
    const n = t.length;
    let depth = 0;
    let p = this.at();
    if (p >= n) return false;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 0x22) {
        p = this.stringEnd(p);
        if (p < 0) return false;
        if (depth === 0) break;
        continue;
      }
      if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (depth === 0) break; // the end of the enclosing container: this value ended before it
        depth--;
        if (depth === 0) {
          p++;
          break;
        }
      } else if (depth === 0 && (c === 0x2c || c === 0x3a)) break;
      p++;
      if (p >= n) {
        if (depth > 0) return false;
        break;
      }
    }
    this.pos = p;
    return true;
  }

  /** The position after the string that opens at `start`, or -1 when it does not close. */
  private stringEnd(start: number): number {
    const t = this.text;
    let q = t.indexOf('"', start + 1);
    for (;;) {
      if (q < 0) return -1;
      let backslashes = 0;
      while (t.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++;
      if (backslashes % 2 === 0) return q + 1;
      q = t.indexOf('"', q + 1);
    }
  }
}
