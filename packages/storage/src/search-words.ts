/**
 * Words as free-text search sees them, in queries and in the text searched (see
 * `spanSearchText`): runs of letters and digits, compared ignoring case and the diacritics of
 * Latin letters (`Café` and `cafe` are the same word). Everything else — spaces, punctuation,
 * quotes, `*`, `-` — separates words, so `gpt-4o` is the two words `gpt` and `4o`, and
 * `"refund policy"` the two words `refund` and `policy`. Scripts written without spaces
 * (Chinese, Japanese, Thai) give one word per run of characters.
 *
 * This is the reference for the SQLite backend's FTS5 `unicode61 remove_diacritics 2`
 * tokenizer, and agrees with it except on a few hundred rare characters whose case pairs
 * Unicode added after version 6.1, which SQLite's tables follow (Cherokee, Osage, Adlam, …),
 * and the Turkish dotless ı (folded to i here).
 */

/**
 * Characters that are part of words: letters, digits, private-use characters and the combining
 * diacritics that are removed; not the few that SQLite's tables call separators, nor U+E000,
 * which the SQLite backend keeps for its own mark.
 */
// biome-ignore lint/complexity/useRegexLiterals: the v flag (set subtraction) is ES2024, past the TypeScript target.
const WORD = new RegExp(
  '[[\\p{L}\\p{N}\\p{Co}\\u0300-\\u0304\\u0306-\\u030c\\u030f\\u0311\\u031b\\u0323-\\u0328\\u032d\\u032e\\u0330\\u0331]--[\\u19b0-\\u19c0\\u19c8\\u19c9\\u1cf2\\u1cf3\\ue000]]+',
  'gv',
);
/** The combining diacritics that are part of words and then removed. */
const DIACRITICS = /[\u0300-\u0304\u0306-\u030c\u030f\u0311\u031b\u0323-\u0328\u032d\u032e\u0330\u0331]/gu;
const LATIN = /[\u00c0-\u024f\u1e00-\u1eff]/u;

const folded = new Map<string, string>();

/** One character case-folded (upper then lower case), and a Latin letter stripped of its diacritics. */
function foldChar(ch: string): string {
  let f = folded.get(ch);
  if (f !== undefined) return f;
  const upper = ch.toUpperCase();
  f = ([...upper].length === 1 ? upper : ch).toLowerCase();
  if ([...f].length !== 1) f = ch;
  if (LATIN.test(f)) {
    const bare = f.normalize('NFD').replace(DIACRITICS, '').toLowerCase();
    if ([...bare].length === 1) f = bare;
  }
  f = f.replace(DIACRITICS, '');
  if (folded.size < 100_000) folded.set(ch, f);
  return f;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 128) return false;
  return true;
}

/** A word as it is compared. */
export function foldWord(word: string): string {
  if (isAscii(word)) return word.toLowerCase();
  let out = '';
  for (const ch of word) out += foldChar(ch);
  return out;
}

/** The words of `text`, folded, in order (repeats kept). */
export function searchWords(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = foldWord(match[0]);
    if (word !== '') out.push(word);
  }
  return out;
}

/** The distinct words of a query, in order. A query without any (`"?!"`) matches nothing. */
export function queryWords(q: string): string[] {
  return [...new Set(searchWords(q))];
}

/** The shortest start of a word a search as you type looks for. */
export const MIN_PREFIX = 3;

/**
 * A query typed as you go (finding within a trace): its words whole, but the last taken as the
 * start of a word while it is being typed — when the text ends in it (no space or punctuation
 * after) and it has at least {@link MIN_PREFIX} characters. `moment` finds `moment` and
 * `momentjs`; `mom` finds them too; `moment ` only `moment`.
 */
export function typedWords(q: string): { readonly words: string[]; readonly prefix: string | null } {
  const words = queryWords(q);
  const last = words[words.length - 1];
  const typing = last !== undefined && last.length >= MIN_PREFIX && searchWords(q.slice(-1)).length > 0;
  return typing ? { words: words.slice(0, -1), prefix: last } : { words, prefix: null };
}
