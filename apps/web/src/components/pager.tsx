import type { ReactNode } from 'react';

/** Keyset paging: back to the first page, or on to the next (there is no "previous" with cursors). */
export function Pager({
  summary,
  atFirst,
  nextCursor,
  onFirst,
  onNext,
}: {
  summary?: ReactNode;
  atFirst: boolean;
  nextCursor: string | null | undefined;
  onFirst: () => void;
  onNext: (cursor: string) => void;
}) {
  return (
    <div className="pager">
      {summary ? <span>{summary}</span> : null}
      <button type="button" className="btn" disabled={atFirst} onClick={onFirst}>
        First page
      </button>
      <button type="button" className="btn" disabled={!nextCursor} onClick={() => nextCursor && onNext(nextCursor)}>
        Next page →
      </button>
    </div>
  );
}
