import type { AnyValue, Attributes, Span } from '@sightline/core';

/** Characters of text one attribute value contributes to its span's search text, at most. */
export const SEARCH_VALUE_CHARS = 2_000;
/** Characters of search text one span has, at most. */
export const SEARCH_SPAN_CHARS = 8_000;

/**
 * The text free-text search looks in for one span — the same for every backend, so they find
 * the same spans: its name, its status message, and the string values of its attributes and
 * of its events' attributes (inside arrays and key/value lists too), in that order, one a line.
 * Keys, numbers, booleans and bytes are left out, and so are the resource, scope and links.
 *
 * A string that holds a JSON object or array (`gen_ai.input.messages`, `input.value`, tool
 * arguments) contributes the strings inside it — its messages' text, roles, tool names — not
 * its keys, numbers or punctuation; its last strings come first, so the newest messages of a
 * long conversation are the ones kept within the cap.
 *
 * Caps: each attribute value contributes at most {@link SEARCH_VALUE_CHARS} characters and a
 * span at most {@link SEARCH_SPAN_CHARS}; text is cut between words, and what lies beyond a
 * cap is not searchable.
 *
 * Example: a span named `chat gpt-4o` whose only attribute is `gen_ai.input.messages` =
 * `[{"role":"user","parts":[{"type":"text","content":"Where is my order?"}]}]` has the lines
 * `chat gpt-4o`, `Where is my order?`, `text`, `user`.
 */
export function spanSearchText(span: Span): string {
  return spanSearchLines(span).join('\n');
}

/** The lines of {@link spanSearchText}. */
export function spanSearchLines(span: Span): string[] {
  const lines: string[] = [];
  writeSpanSearchLines(span, { line: (s) => lines.push(s) });
  return lines;
}

/** Where {@link writeSpanSearchLines} puts each line of a span's search text, in order. */
export interface SearchLineSink {
  line(s: string): void;
}

/** The lines of {@link spanSearchText}, handed to `sink` one by one, for a caller that writes them out itself. */
export function writeSpanSearchLines(span: Span, sink: SearchLineSink): void {
  const text = new SearchText(sink);
  text.add(span.name, SEARCH_VALUE_CHARS);
  text.add(span.status.message, SEARCH_VALUE_CHARS);
  text.attributes(span.attributes);
  for (const event of span.events) text.attributes(event.attributes);
}

/** Search text being gathered, within the span's cap. */
class SearchText {
  private left = SEARCH_SPAN_CHARS;

  constructor(private readonly sink: SearchLineSink) {}

  attributes(attributes: Attributes): void {
    for (const key in attributes) {
      if (this.left <= 0) return;
      this.value(attributes[key] as AnyValue);
    }
  }

  /** One attribute value: its strings, sharing the value's cap. */
  private value(value: AnyValue): void {
    if (typeof value === 'string') {
      const leaves = jsonLeaves(value);
      if (leaves === null) this.add(value, SEARCH_VALUE_CHARS);
      else this.addAll(leaves);
    } else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
      const strings: string[] = [];
      collectStrings(value, strings);
      this.addAll(strings);
    }
  }

  /** Strings sharing one value's cap, last first. */
  private addAll(strings: readonly string[]): void {
    let budget = SEARCH_VALUE_CHARS;
    for (let i = strings.length - 1; i >= 0 && budget > 0; i--) budget -= this.add(strings[i] as string, budget);
  }

  /** Adds up to `max` characters of `s` (less when the span's cap is near); returns how many. */
  add(s: string, max: number): number {
    if (s.length === 0 || this.left <= 0) return 0;
    const kept = cutBetweenWords(s, Math.min(max, this.left));
    if (kept.length === 0) return 0;
    this.sink.line(kept);
    this.left -= kept.length + 1;
    return kept.length + 1;
  }
}

function collectStrings(value: AnyValue, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, out);
  else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array))
    for (const key in value) collectStrings((value as Attributes)[key] as AnyValue, out);
}

/** Letters and digits of ASCII, and anything beyond ASCII: what a cut must not split. */
function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 128;
}

/** Words are not cut further back than this; a longer run (a blob of base64) is cut where it falls. */
const LONGEST_WORD = 64;

/** At most `max` characters of `s`, ending between words (and never inside a surrogate pair). */
export function cutBetweenWords(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max;
  if (isWordCode(s.charCodeAt(end)) && isWordCode(s.charCodeAt(end - 1))) {
    // Back to the start of the word, unless it is longer than any word.
    let at = end - 1;
    while (at > 0 && at > max - LONGEST_WORD && isWordCode(s.charCodeAt(at - 1))) at--;
    if (at === 0 || !isWordCode(s.charCodeAt(at - 1))) end = at;
  }
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return s.slice(0, end);
}

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;

/** Characters JSON may have between its strings: punctuation, whitespace, numbers, `true`, `false`, `null`. */
const JSON_BETWEEN = new Uint8Array(128);
for (const c of '[]{}:,+-.0123456789eEtrufalsn \n\r\t') JSON_BETWEEN[c.charCodeAt(0)] = 1;

/**
 * The strings of a JSON object or array held in `s`, in order, keys left out; null when `s`
 * is not one (it must start with `{` or `[`, end with `}` or `]`, and hold nothing between
 * its strings but JSON's punctuation, numbers and literals). A light check, not a parse: text
 * that passes it but is not valid JSON still gives its quoted strings.
 */
export function jsonLeaves(s: string): string[] | null {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 32) start++;
  while (end > start && s.charCodeAt(end - 1) <= 32) end--;
  const open = s.charCodeAt(start);
  const close = s.charCodeAt(end - 1);
  if (!((open === 0x7b && close === 0x7d) || (open === 0x5b && close === 0x5d)) || end - start < 2) return null;
  const out: string[] = [];
  let i = start;
  let backslash = s.indexOf('\\', start);
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== QUOTE) {
      if (c >= 128 || JSON_BETWEEN[c] === 0) return null;
      i++;
      continue;
    }
    // A string literal: its closing quote is the next one, unless a backslash comes first.
    let j = s.indexOf('"', i + 1);
    if (backslash !== -1 && backslash < i) backslash = s.indexOf('\\', i + 1);
    const escaped = backslash !== -1 && j !== -1 && backslash < j;
    if (escaped) {
      j = i + 1;
      while (j < end && s.charCodeAt(j) !== QUOTE) j += s.charCodeAt(j) === BACKSLASH ? 2 : 1;
    }
    if (j === -1 || j >= end) return null;
    let k = j + 1;
    while (k < end && s.charCodeAt(k) <= 32) k++;
    if (s.charCodeAt(k) !== COLON) {
      if (!escaped) out.push(s.slice(i + 1, j));
      else {
        const literal = unescapeJson(s.slice(i, j + 1));
        if (literal === null) return null;
        out.push(literal);
      }
    }
    i = j + 1;
  }
  return out;
}

function unescapeJson(literal: string): string | null {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return null;
  }
}
