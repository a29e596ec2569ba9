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
  // One page in all: nothing to turn to, so no buttons that can only be disabled.
  const single = atFirst && !nextCursor;
  if (single && !summary) return null;
  return (
    <div className="pager">
      {summary ? <span>{summary}</span> : null}
      {single ? null : (
        <>
          <button type="button" className="btn" disabled={atFirst} onClick={() => turn(onFirst)}>
            First page
          </button>
          <button type="button" className="btn" disabled={!nextCursor} onClick={() => nextCursor && turn(() => onNext(nextCursor))}>
            Next page →
          </button>
        </>
      )}
    </div>
  );
}

/** Another page starts at its first row, not where the button was at the bottom of the last one. */
function turn(go: () => void): void {
  go();
  window.scrollTo({ top: 0 });
}

/** "44 traces" when the list ends here, "50 traces on this page" when there are more (keyset paging knows no total). */
export function pageSummary(count: number, noun: string, nextCursor: string | null | undefined): string {
  return nextCursor ? `${count} ${noun} on this page` : `${count} ${noun}`;
}

/** What an empty filtered list says: the search first when there is one (it is the likeliest cause). */
export function noMatch(noun: string, q: string | undefined): string {
  return q
    ? `No ${noun} match “${q}” in this range. Try other words, clear the search, widen the time range or remove a filter.`
    : `No ${noun} match. Widen the time range or remove a filter.`;
}
