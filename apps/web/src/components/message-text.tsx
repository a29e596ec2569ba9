import { useMemo } from 'react';
import { readMarkdownLite } from '../lib/markdown-lite';
import { Highlighted } from './highlighted';

/**
 * A message's text with its fenced code, inline code and bold shown as such. Built from React
 * elements and text nodes only (see markdown-lite.ts): nothing in it is ever read as HTML.
 */
export function MessageText({ text }: { text: string }) {
  const blocks = useMemo(() => readMarkdownLite(text), [text]);
  return (
    <>
      {blocks.map((b, i) =>
        b.kind === 'code' ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: blocks are positional.
          <pre key={i} className="text-block code-block">
            <Highlighted text={b.text} />
          </pre>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: blocks are positional.
          <pre key={i} className="text-block">
            {b.spans.map((s, j) =>
              s.kind === 'bold' ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: spans are positional.
                <strong key={j}>
                  <Highlighted text={s.text} />
                </strong>
              ) : s.kind === 'code' ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: spans are positional.
                <code key={j}>
                  <Highlighted text={s.text} />
                </code>
              ) : (
                // biome-ignore lint/suspicious/noArrayIndexKey: spans are positional.
                <Highlighted key={j} text={s.text} />
              ),
            )}
          </pre>
        ),
      )}
    </>
  );
}
