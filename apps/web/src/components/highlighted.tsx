import { createContext, useContext } from 'react';
import { highlightParts } from '../lib/highlight';

/** The words being looked for (see `wordMatcher`), marked wherever text is shown under it; null: none. */
export const HighlightContext = createContext<RegExp | null>(null);

/** Text with the words being looked for marked; text nodes and `<mark>` only, never markup from the text. */
export function Highlighted({ text }: { text: string }) {
  const matcher = useContext(HighlightContext);
  if (matcher === null) return <>{text}</>;
  return (
    <>
      {highlightParts(text, matcher).map((p, i) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text, in order.
        p.hit ? <mark key={i}>{p.text}</mark> : p.text,
      )}
    </>
  );
}
