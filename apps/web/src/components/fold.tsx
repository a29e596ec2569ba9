import { type ReactNode, useState } from 'react';
import { CopyButton } from './copy-button';

/** Long content shows its first lines; expand to read it all, copy the raw text. */
export function Fold({ text, children, limit = 600 }: { text: string; children?: ReactNode; limit?: number }) {
  const long = text.length > limit || text.split('\n').length > 10;
  const [open, setOpen] = useState(false);
  return (
    <div className={`fold ${long && !open ? 'folded' : ''}`}>
      <div className="fold-content">{children ?? <pre className="text-block">{text}</pre>}</div>
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
