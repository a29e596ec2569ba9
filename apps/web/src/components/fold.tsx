import { type ReactNode, useContext, useState } from 'react';
import { hasHit } from '../lib/highlight';
import { CopyButton } from './copy-button';
import { HighlightContext, Highlighted } from './highlighted';

/** Long content shows its first lines (all of it when it holds a word being looked for); expand to read it all, copy the raw text. */
export function Fold({ text, children, limit = 600 }: { text: string; children?: ReactNode; limit?: number }) {
  const long = text.length > limit || text.split('\n').length > 10;
  const matcher = useContext(HighlightContext);
  const [open, setOpen] = useState(() => long && hasHit(text, matcher));
  return (
    <div className={`fold ${long && !open ? 'folded' : ''}`}>
      <div className="fold-content">
        {children ?? (
          <pre className="text-block">
            <Highlighted text={text} />
          </pre>
        )}
      </div>
      {long ? (
        <div className="fold-actions">
          <button type="button" className="btn small" onClick={() => setOpen(!open)}>
            {open ? 'Show less' : `Show all (${text.length.toLocaleString()} characters)`}
          </button>
          <CopyButton text={text} />
        </div>
      ) : null}
    </div>
  );
}
