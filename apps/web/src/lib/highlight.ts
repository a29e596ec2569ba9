/** A piece of text, and whether it is (part of) a word being looked for. */
export interface TextPart {
  readonly text: string;
  readonly hit: boolean;
}

/** Words shorter than this are not marked: a lone letter or digit would mark half the text. */
const MIN_WORD = 2;

/**
 * What marks the words of a find-box query in text: each word (a run of letters and digits)
 * where a word of the text starts with it, in any case — as the server finds words, the last
 * typed one as a prefix. Null when the query has no word to mark.
 */
export function wordMatcher(query: string): RegExp | null {
  const words = [...new Set((query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length >= MIN_WORD))];
  if (words.length === 0) return null;
  // Longest first, so "refunds" is marked whole where "refund" is also looked for.
  words.sort((a, b) => b.length - a.length);
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.join('|')})`, 'giu');
}

/** `text` cut into the parts `matcher` marks and the parts between (one unmarked part without a matcher). */
export function highlightParts(text: string, matcher: RegExp | null): TextPart[] {
  if (matcher === null || text.length === 0) return [{ text, hit: false }];
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(matcher)) {
    const at = m.index ?? 0;
    if (at > last) parts.push({ text: text.slice(last, at), hit: false });
    parts.push({ text: m[0], hit: true });
    last = at + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), hit: false });
  return parts.length ? parts : [{ text, hit: false }];
}

/** Whether `matcher` marks anything in `text`. */
export function hasHit(text: string, matcher: RegExp | null): boolean {
  if (matcher === null) return false;
  matcher.lastIndex = 0;
  const found = matcher.test(text);
  matcher.lastIndex = 0;
  return found;
}
