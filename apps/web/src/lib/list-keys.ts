import { useEffect } from 'react';

/** What a key typed into is: its keys are its own. */
const TYPING = 'input, textarea, select, [contenteditable="true"]';
/** The rows a list page can move through (rows that open something are focusable). */
const ROWS = 'main table.data tbody tr[tabindex]';

/**
 * Every page's keys: `/` goes to the page's search box (a list's search, a trace's find); on
 * lists, `j`/`k` (and ↓/↑ once a row has the focus) move through the rows, Enter opens one (see
 * `useRowLink`). Keys a page handles itself (the trace tree's) and keys typed into a field are
 * left alone.
 */
export function useListKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      const target = e.target instanceof HTMLElement ? e.target : null;
      if (target?.closest(TYPING)) return;
      if (e.key === '/') {
        const box = document.querySelector<HTMLInputElement>('main input[type="search"]');
        if (!box) return;
        e.preventDefault();
        box.focus();
        return;
      }
      const row = target?.closest<HTMLElement>(ROWS) ?? null;
      const down = e.key === 'j' || (row !== null && e.key === 'ArrowDown');
      const up = e.key === 'k' || (row !== null && e.key === 'ArrowUp');
      if (!down && !up) return;
      const rows = [...document.querySelectorAll<HTMLElement>(ROWS)];
      if (rows.length === 0) return;
      const at = row ? rows.indexOf(row) : -1;
      const next = at < 0 ? rows[down ? 0 : rows.length - 1] : rows[Math.max(0, Math.min(rows.length - 1, at + (down ? 1 : -1)))];
      e.preventDefault();
      next?.focus();
      next?.scrollIntoView({ block: 'nearest' });
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
